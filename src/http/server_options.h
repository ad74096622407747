// ServerOptions: the knobs of the HTTP server. A plain value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace orderstream::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port, see Server::port()
  size_t max_body_bytes =
      1 << 20;  // larger bodies are answered 413 JSON, then the connection closes
  // The whole request, headers included, must arrive within this time once its first byte has,
  // else the connection is closed (slow-loris).
  int read_timeout_ms = 15000;
  // A keep-alive connection with no request outstanding is closed after this long without one.
  int idle_timeout_ms = 60000;
  int write_timeout_ms = 15000;  // a response must be written within this time
  // Beyond this many open connections, new ones are accepted, answered 503 JSON with
  // `Connection: close`, and closed.
  size_t max_connections = 4096;
  // Reading pauses while this many requests of one connection await their responses.
  size_t max_pipelined = 16;
  int threads = 1;  // io threads
};

}  // namespace orderstream::http
