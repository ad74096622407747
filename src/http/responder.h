// Responder: the handle through which a route handler completes its one request, from any thread.
// Copies share one completion; thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "http/response.h"
#include "http/response_stream.h"

namespace orderstream::http {

// Receives completed responses; implemented by Session. complete() or complete_stream() is called
// from any thread, exactly once per id.
class ResponseSink : public StreamSink {
 public:
  virtual void complete(uint64_t id, Response res) = 0;
  // Answers request `id` with `head` now and then with the body `body` produces. The default, for
  // sinks that cannot stream, answers the head alone and closes the stream.
  virtual void complete_stream(uint64_t id, Response head, std::shared_ptr<StreamState> body) {
    body->close();
    complete(id, std::move(head));
  }
  void stream_ready(uint64_t) override {}
};

// Completes one request exactly once, callable from ANY thread; copyable handle. The first send()
// wins; later ones are ignored (and logged). If every copy is destroyed without send(), the request
// is answered 500 {"code":"Internal",...} so it never hangs. A Responder keeps its connection's
// session alive. REQUIRES: every Responder is sent or destroyed before its Server is destroyed.
class Responder {
 public:
  Responder() = default;  // empty: send() does nothing
  Responder(std::shared_ptr<ResponseSink> sink, uint64_t id);

  void send(Response res) const;
  // Sends `head` (status and headers; a non-empty body becomes the first piece) at once and
  // returns the stream through which the rest of the body follows; this counts as the send().
  // After an earlier send() it returns a closed stream.
  ResponseStream stream(Response head) const;
  bool sent() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace orderstream::http
