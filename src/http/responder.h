// Responder: the handle through which a route handler completes its one request, from any thread.
// Copies share one completion; thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "http/response.h"

namespace orderstream::http {

// Receives completed responses; implemented by Session. complete() is called from any thread,
// exactly once per id.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void complete(uint64_t id, Response res) = 0;
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
  bool sent() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace orderstream::http
