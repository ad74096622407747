#include "http/responder.h"

#include <cstdio>

namespace orderstream::http {

struct Responder::State {
  State(std::shared_ptr<ResponseSink> s, uint64_t i) : sink(std::move(s)), id(i) {}
  // The last copy died: a handler dropped the request. Answer it rather than leave it hanging.
  ~State() {
    if (!sent.exchange(true)) {
      sink->complete(id,
                     error_response(boost::beast::http::status::internal_server_error, "Internal",
                                    "the handler dropped the request without a response"));
    }
  }
  // Only the thread that flips `sent` touches `sink` (or the destructor, when no copy is left).
  std::shared_ptr<ResponseSink> sink;
  const uint64_t id;
  std::atomic<bool> sent{false};
};

Responder::Responder(std::shared_ptr<ResponseSink> sink, uint64_t id)
    : state_(std::make_shared<State>(std::move(sink), id)) {}

void Responder::send(Response res) const {
  if (!state_) return;
  if (state_->sent.exchange(true)) {
    std::fprintf(stderr, "http: response sent twice for one request; the second is ignored\n");
    return;
  }
  std::shared_ptr<ResponseSink> sink = std::move(state_->sink);
  sink->complete(state_->id, std::move(res));
}

ResponseStream Responder::stream(Response head) const {
  if (!state_) return ResponseStream();
  if (state_->sent.exchange(true)) {
    std::fprintf(stderr, "http: response sent twice for one request; the stream is discarded\n");
    return ResponseStream();
  }
  std::shared_ptr<ResponseSink> sink = std::move(state_->sink);
  auto body = std::make_shared<StreamState>(sink, state_->id);
  std::string first = std::move(head.body());
  head.body().clear();
  sink->complete_stream(state_->id, std::move(head), body);
  ResponseStream out(body);
  out.write(first);
  return out;
}

bool Responder::sent() const { return state_ && state_->sent.load(); }

}  // namespace orderstream::http
