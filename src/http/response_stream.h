// ResponseStream: the body of a response written piece by piece while its connection stays open
// (Server-Sent Events, push-query rows). A route handler gets one from Responder::stream(); the
// session sends the head at once and then each write as an HTTP/1.1 chunk (an HTTP/1.0 client
// gets a body ended by closing the connection). Copyable handle; every member is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace orderstream::http {

// The session side of a stream (implemented by Session): told when bytes are queued.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Any thread. Stream `id` has bytes queued or has ended; the sink will call take().
  virtual void stream_ready(uint64_t id) = 0;
};

// State shared by the producer's handles and the session. The producer side is ResponseStream.
class StreamState {
 public:
  StreamState(std::shared_ptr<StreamSink> sink, uint64_t id) : sink_(std::move(sink)), id_(id) {}

  // Producer side (see ResponseStream).
  bool write(std::string_view data);
  void end();
  bool closed() const;
  size_t buffered() const;

  // Session side. Moves the queued bytes to *out; true when the producer ended the stream and
  // nothing is left after *out. The next write notifies the sink again.
  bool take(std::string* out);
  // The client went away or the connection closed: writes are discarded from now on, and the
  // sink is released (the session no longer lives for this stream).
  void close();
  // The server is stopping: the producer is told to stop (closed() is true), and what is queued
  // is still sent before the end of the body.
  void shut_down();

 private:
  void notify_locked(std::unique_lock<std::mutex>& lock);

  mutable std::mutex mu_;
  std::shared_ptr<StreamSink> sink_;  // GUARDED_BY(mu_): null once closed
  const uint64_t id_;
  std::string queued_;      // GUARDED_BY(mu_)
  bool ended_ = false;      // GUARDED_BY(mu_): end() was called
  bool closed_ = false;     // GUARDED_BY(mu_): nobody reads what is written any more
  bool notified_ = false;   // GUARDED_BY(mu_): stream_ready() sent and take() not yet called
};

// The producer's handle. Copies share one stream; when the last copy is destroyed without end(),
// the stream is ended (so a dropped producer never leaves a connection hanging).
class ResponseStream {
 public:
  ResponseStream() = default;  // closed: writes are discarded
  explicit ResponseStream(std::shared_ptr<StreamState> state);

  // Queues `data` for the client. False once the stream is closed (the client went away, the
  // server is stopping, or end() was called): the producer should stop.
  bool write(std::string_view data) const;
  // Sends what is queued, then the end of the body. Idempotent.
  void end() const;
  // True once nothing written will reach the client any more.
  bool closed() const;
  // Bytes queued and not yet handed to the socket; a producer pauses above its own limit, so a
  // slow client cannot make the server buffer without bound.
  size_t buffered() const;

 private:
  struct Owner;
  std::shared_ptr<Owner> owner_;
};

}  // namespace orderstream::http
