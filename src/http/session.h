// Session: one HTTP/1.1 connection. Reads requests (pipelined, bounded), dispatches them through
// the Router, and writes responses in request order. Every member is touched only on the
// connection's strand; complete(), drain() and force_close() may be called from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "http/responder.h"
#include "http/server_context.h"

namespace orderstream::http {

// Owned by the pending asynchronous operations and Responders that hold shared_from_this(); it
// dies when the last of them completes or is destroyed. Flow:
//   run -> do_read -> on_read -> (handler) -> on_complete -> do_write -> on_write -> do_read |
//   do_close
class Session : public std::enable_shared_from_this<Session>, public ResponseSink {
 public:
  // counted: the connection was counted by ServerContext::try_open(). reject: answer 503 and close
  // without reading (the server is at max_connections).
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerContext> ctx, bool counted,
          bool reject);
  ~Session() override;

  void run();
  // Any thread. Answers request `id`; ignored once the connection is closed.
  void complete(uint64_t id, Response res) override;
  // Any thread. Answers request `id` with `head`, then streams `body` (chunked) until it ends.
  void complete_stream(uint64_t id, Response head, std::shared_ptr<StreamState> body) override;
  // Any thread. The stream of request `id` has bytes queued or ended.
  void stream_ready(uint64_t id) override;
  // Any thread. Finish the requests already read, read no more, then close.
  void drain();
  // Any thread. Close now; outstanding requests are dropped (and logged).
  void force_close();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    uint64_t id;
    unsigned version;
    bool keep_alive;
    std::string method;
    std::string route;
    Clock::time_point start;
    std::optional<Response> res;  // set once the handler answered (the head, when streamed)
    // A streamed body (Responder::stream): the head is written first, then each take() as one
    // chunk, then the last chunk. HTTP/1.0 clients get the raw bytes and a close instead.
    std::shared_ptr<StreamState> stream = nullptr;
    std::unique_ptr<boost::beast::http::response_serializer<boost::beast::http::string_body>> head =
        nullptr;
    bool head_sent = false;
    bool stream_done = false;  // the last chunk is being (or was) written
    std::string chunk_size = {};  // hex size line of the chunk being written
    std::string chunk = {};       // payload of the chunk being written
  };
  // What the single pending read (if any) is for.
  enum class ReadState { kNone, kIdle, kRequest, kLinger };

  void start();
  void do_read();
  void on_idle_read(boost::beast::error_code ec, size_t n);
  void do_read_request();
  void on_read(boost::beast::error_code ec, size_t n);
  void on_read_error(boost::beast::error_code ec);
  void reply_error(unsigned status, const char* code, const std::string& message);
  void on_complete(uint64_t id, Response res, std::shared_ptr<StreamState> body);
  void do_write();
  void write_head(Entry& e);
  void write_chunk(Entry& e);
  void close_streams();
  void on_write(boost::beast::error_code ec, size_t n);
  void maybe_close();
  void do_close();
  void do_linger();
  void on_linger(boost::beast::error_code ec, size_t n);
  void arm_timer(int ms);
  void cancel_timer();
  void on_timer(boost::beast::error_code ec, uint64_t gen);
  void final_close();

  std::shared_ptr<ServerContext> ctx_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::asio::steady_timer timer_;  // idle timeout, then linger deadline while closing
  uint64_t timer_gen_ = 0;
  std::deque<Entry> queue_;  // read, not yet written; references stay valid on push_back
  uint64_t next_id_ = 0;
  uint64_t index_id_ = 0;  // in ServerContext's session index; 0 = not registered
  bool counted_;
  const bool reject_;
  ReadState read_state_ = ReadState::kNone;
  bool writing_ = false;
  bool read_done_ = false;  // no more requests will be read
  bool closing_ = false;    // send side shut down; discarding input until EOF or the deadline
  bool closed_ = false;
  bool client_left_ = false;  // a read or write failed because the client went away
  size_t lingered_bytes_ = 0;
  std::array<char, 4096> linger_buf_;
};

}  // namespace orderstream::http
