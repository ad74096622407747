#include "http/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include "http/error_log.h"

namespace orderstream::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {
constexpr size_t kIdleReadBytes = 4096;
constexpr size_t kMaxLingerBytes = 1 << 20;
constexpr int kMaxLingerMs = 1000;
}  // namespace

Session::Session(net::ip::tcp::socket socket, std::shared_ptr<ServerContext> ctx, bool counted,
                 bool reject)
    : ctx_(std::move(ctx)),
      stream_(std::move(socket)),
      timer_(stream_.get_executor()),
      counted_(counted),
      reject_(reject) {
  // Streamed responses write small chunks; Nagle's algorithm would hold each one back until the
  // previous is acknowledged (tens of ms with delayed ACKs). Whole responses go in one write anyway.
  beast::error_code ec;
  stream_.socket().set_option(net::ip::tcp::no_delay(true), ec);
}

Session::~Session() {
  if (index_id_ != 0) ctx_->remove_session(index_id_);
  if (counted_) ctx_->closed();
}

void Session::run() {
  // Enter the strand before the first I/O; from here on members are touched only there.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::start, shared_from_this()));
}

void Session::start() {
  if (reject_) {
    read_done_ = true;
    queue_.push_back(Entry{
        next_id_++, 11, false, "", "", Clock::now(),
        error_response(bhttp::status::service_unavailable, "Busy", "too many open connections")});
    do_write();
    return;
  }
  index_id_ = ctx_->add_session(weak_from_this());
  // Checked after joining the index, so a session accepted while stop() snapshots the index is
  // either in the snapshot or sees draining here.
  if (ctx_->draining.load()) {
    read_done_ = true;
    maybe_close();
    return;
  }
  do_read();
}

void Session::do_read() {
  if (read_done_ || closing_ || closed_ || read_state_ != ReadState::kNone) return;
  if (queue_.size() >= ctx_->opts.max_pipelined) return;  // paused; on_write resumes
  if (buffer_.size() > 0) {
    do_read_request();  // a pipelined request is already (partly) buffered
    return;
  }
  // Waiting for the first byte of the next request is idle time, not request time: the idle
  // timer runs only while no response is owed (see on_timer).
  read_state_ = ReadState::kIdle;
  stream_.expires_never();
  if (queue_.empty() && !writing_) arm_timer(ctx_->opts.idle_timeout_ms);
  stream_.async_read_some(buffer_.prepare(kIdleReadBytes),
                          beast::bind_front_handler(&Session::on_idle_read, shared_from_this()));
}

void Session::on_idle_read(beast::error_code ec, size_t n) {
  read_state_ = ReadState::kNone;
  if (closed_) return;
  if (!closing_) cancel_timer();
  if (closing_) {
    ec ? final_close() : do_linger();
    return;
  }
  if (ec) {
    on_read_error(ec);
    return;
  }
  buffer_.commit(n);
  if (read_done_) {  // draining: bytes of a request we will not serve
    maybe_close();
    return;
  }
  do_read_request();
}

void Session::do_read_request() {
  read_state_ = ReadState::kRequest;
  parser_.emplace();
  parser_->body_limit(ctx_->opts.max_body_bytes);
  // One deadline for the whole request, headers and body (slow-loris).
  stream_.expires_after(std::chrono::milliseconds(ctx_->opts.read_timeout_ms));
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code ec, size_t) {
  read_state_ = ReadState::kNone;
  if (closed_) return;
  if (closing_) {
    ec ? final_close() : do_linger();
    return;
  }
  if (ec) {
    on_read_error(ec);
    return;
  }
  Request req = parser_->release();
  parser_.reset();
  uint64_t id = next_id_++;
  bool keep_alive = req.keep_alive();
  queue_.push_back(Entry{id, req.version(), keep_alive, std::string(req.method_string()), "",
                         Clock::now(), std::nullopt});
  if (!keep_alive || ctx_->draining.load()) read_done_ = true;
  // The Responder posts its completion, so on_complete never runs inside dispatch().
  std::string route = ctx_->router.dispatch(std::move(req), Responder(shared_from_this(), id));
  queue_.back().route = std::move(route);  // still back(): on_complete has not run yet
  do_read();
  maybe_close();
}

void Session::on_read_error(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
      ec == bhttp::error::partial_message) {
    // A client that closes its side while a response streams has gone away (EventSource, curl
    // -N): stop at once rather than stream into a dead socket until a write fails.
    if (std::any_of(queue_.begin(), queue_.end(), [](const Entry& e) { return e.stream != nullptr; })) {
      final_close();
      return;
    }
    // The peer closed its side: answer what was read, then close.
    read_done_ = true;
    maybe_close();
  } else if (ec == bhttp::error::body_limit) {
    reply_error(413, "PayloadTooLarge",
                "request body exceeds " + std::to_string(ctx_->opts.max_body_bytes) + " bytes");
  } else if (ec == bhttp::error::header_limit) {
    reply_error(431, "HeaderTooLarge", "request header is too large");
  } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
    reply_error(400, "InvalidArgument", "malformed HTTP request: " + ec.message());
  } else if (ec == beast::error::timeout) {
    // tcp_stream has already closed the socket.
    log_rate_limited("read", "timeout; closing a slow connection");
    final_close();
  } else if (ec == net::error::operation_aborted) {
    final_close();
  } else {
    client_left_ = is_client_disconnect(ec);
    log_rate_limited("read", ec);
    final_close();
  }
}

void Session::reply_error(unsigned status, const char* code, const std::string& message) {
  read_done_ = true;
  std::string method = parser_ && parser_->is_header_done()
                           ? std::string(parser_->get().method_string())
                           : std::string("UNKNOWN");
  Entry e{next_id_++,
          11,
          false,
          method,
          "unmatched",
          Clock::now(),
          error_response(static_cast<bhttp::status>(status), code, message)};
  ctx_->record_request(e.route, e.method, status, 0.0);
  queue_.push_back(std::move(e));
  do_write();
}

void Session::complete(uint64_t id, Response res) {
  // After stop() the io_context no longer runs handlers; the connection is gone anyway.
  if (ctx_->stopped.load()) return;
  net::post(stream_.get_executor(),
            [self = shared_from_this(), id, res = std::move(res)]() mutable {
              self->on_complete(id, std::move(res), nullptr);
            });
}

void Session::on_complete(uint64_t id, Response res, std::shared_ptr<StreamState> body) {
  if (closed_ || queue_.empty() || id < queue_.front().id || id - queue_.front().id >= queue_.size() ||
      queue_[id - queue_.front().id].res) {
    if (body) body->close();
    return;
  }
  Entry& e = queue_[id - queue_.front().id];
  // For a stream this is the time to the head, not to the end of an open-ended body.
  double seconds = std::chrono::duration<double>(Clock::now() - e.start).count();
  ctx_->record_request(e.route, e.method, res.result_int(), seconds);
  e.res = std::move(res);
  e.stream = std::move(body);
  if (e.stream && ctx_->draining.load()) e.stream->shut_down();  // drain() ran before this head
  do_write();
}

void Session::do_write() {
  if (writing_ || closed_ || closing_ || queue_.empty() || !queue_.front().res) return;
  Entry& e = queue_.front();
  if (e.stream) return e.head_sent ? write_chunk(e) : write_head(e);
  Response& res = *e.res;
  // The last response before we stop reading says so, so the client does not reuse the connection.
  bool last = read_done_ && queue_.size() == 1 && read_state_ != ReadState::kRequest;
  e.keep_alive = e.keep_alive && !last;
  res.version(e.version);
  res.keep_alive(e.keep_alive);
  if (res.find(bhttp::field::content_type) == res.end()) {
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  }
  res.prepare_payload();
  writing_ = true;
  stream_.expires_after(std::chrono::milliseconds(ctx_->opts.write_timeout_ms));
  bhttp::async_write(stream_, res,
                     beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(beast::error_code ec, size_t) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    client_left_ = is_client_disconnect(ec);
    log_rate_limited("write", ec);
    final_close();
    return;
  }
  if (Entry& e = queue_.front(); e.stream) {
    e.head_sent = true;
    if (!e.stream_done) return do_write();
    e.stream->close();  // releases this session
  }
  bool keep_alive = queue_.front().keep_alive;
  queue_.pop_front();
  if (!keep_alive) {
    read_done_ = true;
    do_close();
    return;
  }
  do_write();
  do_read();  // resumes if reading was paused by max_pipelined
  if (queue_.empty() && read_state_ == ReadState::kIdle) arm_timer(ctx_->opts.idle_timeout_ms);
  maybe_close();
}

void Session::maybe_close() {
  if (closed_ || closing_) return;
  if (read_done_ && queue_.empty() && !writing_ && read_state_ != ReadState::kRequest) do_close();
}

void Session::do_close() {
  if (closing_ || closed_) return;
  closing_ = true;
  read_done_ = true;
  // Graceful close: send FIN, then discard input until the peer's FIN, so a client still sending
  // (e.g. a body over the limit) reads our response instead of a reset.
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  arm_timer(std::min(kMaxLingerMs, ctx_->opts.read_timeout_ms));
  if (read_state_ == ReadState::kNone) do_linger();
}

void Session::do_linger() {
  read_state_ = ReadState::kLinger;
  stream_.expires_never();
  stream_.async_read_some(net::buffer(linger_buf_),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::on_linger(beast::error_code ec, size_t n) {
  read_state_ = ReadState::kNone;
  if (closed_) return;
  lingered_bytes_ += n;
  if (ec || lingered_bytes_ > kMaxLingerBytes) {
    final_close();
    return;
  }
  do_linger();
}

void Session::arm_timer(int ms) {
  uint64_t gen = ++timer_gen_;
  timer_.expires_after(std::chrono::milliseconds(ms));
  timer_.async_wait(
      [self = shared_from_this(), gen](beast::error_code ec) { self->on_timer(ec, gen); });
}

void Session::cancel_timer() {
  ++timer_gen_;
  timer_.cancel();
}

void Session::on_timer(beast::error_code ec, uint64_t gen) {
  if (ec || gen != timer_gen_ || closed_) return;
  if (closing_) {
    final_close();  // the peer did not close within the linger time
  } else if (read_state_ == ReadState::kIdle && queue_.empty() && !writing_) {
    final_close();  // idle keep-alive connection
  }
}

void Session::drain() {
  if (ctx_->stopped.load()) return;
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->read_done_ = true;
    // Open-ended bodies would keep the connection forever: end them after what is queued.
    for (Entry& e : self->queue_)
      if (e.stream) e.stream->shut_down();
    self->maybe_close();
  });
}

void Session::force_close() {
  if (ctx_->stopped.load()) return;
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->final_close(); });
}

void Session::final_close() {
  if (closed_) return;
  closed_ = true;
  cancel_timer();
  // A client leaving a stream is how streams normally end; only requests never answered count,
  // and only when the client did not leave on its own (e.g. curl stopped during a long-poll).
  size_t dropped = std::count_if(queue_.begin(), queue_.end(), [](const Entry& e) { return !e.head_sent; });
  if (dropped > 0 && !reject_ && !client_left_) {
    log_rate_limited(
        "close",
        ("connection closed with " + std::to_string(dropped) + " request(s) unanswered").c_str());
  }
  // Entries stay until the session dies: a cancelled write may still reference its response.
  // Their streams let go of the session now, so nothing keeps it alive.
  close_streams();
  stream_.close();
  if (index_id_ != 0) {
    ctx_->remove_session(index_id_);
    index_id_ = 0;
  }
  if (counted_) {
    counted_ = false;
    ctx_->closed();
  }
}

}  // namespace orderstream::http
