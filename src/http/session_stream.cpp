// Session's streamed responses (Responder::stream): the head, then each queued piece as one
// HTTP/1.1 chunk, then the last chunk; HTTP/1.0 clients get the raw bytes and a close. The rest
// of the connection's life (reading, whole responses, closing) is in session.cpp.
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <cstdio>

#include "http/session.h"

namespace orderstream::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

void Session::complete_stream(uint64_t id, Response head, std::shared_ptr<StreamState> body) {
  if (ctx_->stopped.load()) return body->close();
  net::post(stream_.get_executor(),
            [self = shared_from_this(), id, head = std::move(head), body = std::move(body)]() mutable {
              self->on_complete(id, std::move(head), std::move(body));
            });
}

void Session::stream_ready(uint64_t) {
  if (ctx_->stopped.load()) return;
  // Only the front entry is ever written, so there is nothing to look up: do_write checks it.
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->do_write(); });
}

void Session::write_head(Entry& e) {
  Response& res = *e.res;
  bool last = read_done_ && queue_.size() == 1 && read_state_ != ReadState::kRequest;
  // HTTP/1.0 has no chunked encoding: the body ends when the connection closes.
  e.keep_alive = e.keep_alive && !last && e.version >= 11;
  res.version(e.version);
  res.keep_alive(e.keep_alive);
  if (e.version >= 11) res.chunked(true);
  res.set(bhttp::field::cache_control, "no-cache");
  e.head = std::make_unique<bhttp::response_serializer<bhttp::string_body>>(res);
  writing_ = true;
  stream_.expires_after(std::chrono::milliseconds(ctx_->opts.write_timeout_ms));
  bhttp::async_write_header(stream_, *e.head,
                            beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::write_chunk(Entry& e) {
  if (e.stream_done) return;
  bool ended = e.stream->take(&e.chunk);
  bool chunked = e.version >= 11;
  if (e.chunk.empty()) {
    if (!ended) return;  // nothing queued: stream_ready() calls again
    e.stream_done = true;
    e.chunk_size = chunked ? "0\r\n\r\n" : "";  // the last chunk (no trailers)
  } else {
    char size[24];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", e.chunk.size());
    e.chunk_size = chunked ? std::string(size, static_cast<size_t>(n)) : "";
  }
  static constexpr char kCrlf[] = "\r\n";
  std::array<net::const_buffer, 3> wire{net::buffer(e.chunk_size), net::buffer(e.chunk),
                                        net::buffer(kCrlf, chunked && !e.chunk.empty() ? 2 : 0)};
  writing_ = true;
  // Each chunk must leave within the write timeout (a client that stopped reading is cut off);
  // the time between chunks is the producer's (it sends heartbeats).
  stream_.expires_after(std::chrono::milliseconds(ctx_->opts.write_timeout_ms));
  net::async_write(stream_, wire, beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::close_streams() {
  for (Entry& e : queue_)
    if (e.stream) e.stream->close();
}

}  // namespace orderstream::http
