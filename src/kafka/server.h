// KafkaServer: Kafka's wire protocol over TCP on an Asio io_context (the HTTP server's), one
// strand per connection. It frames requests (a 4-byte size, then the request), bounds them,
// parses the request header and hands each request to a Handler, one at a time per connection;
// responses go back in request order (clients pipeline, kafka-python's probe included). No
// broker logic: the handler (src/api/kafka_broker.h) decides every answer.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "kafka/protocol.h"
#include "kafka/sasl.h"

namespace orderstream::kafka {

struct KafkaServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9092;  // 0: any free port, see port()
  // A larger request closes the connection (Kafka's socket.request.max.bytes, 100 MiB).
  size_t max_request_bytes = 100u << 20;
  // A connection without a request for this long is closed (connections.max.idle.ms).
  int idle_timeout_ms = 600000;
  size_t max_connections = 4096;  // beyond: accepted and closed at once
  // Consecutive Produce requests of one connection handed to the handler before the earlier ones
  // are answered (so they can share a group commit; the handler keeps them in order). Any other
  // request waits until everything before it is answered, as Kafka's broker handles one request
  // per connection at a time: a client that pipelines a commit and then a fetch of it must see the
  // commit. 1: one request at a time, whatever it is.
  size_t max_produce_in_flight = 5;
  // Set: every connection authenticates with SASL PLAIN before anything but ApiVersions
  // (kafka/sasl.h); empty: a PLAINTEXT listener.
  PlainCheck sasl_plain;
};

// Completes one request with its response body (the server adds the size and the response
// header), or nullopt for a request that gets no response (Produce with acks=0). Callable from
// any thread, once; a dropped Reply closes the connection (the client would wait forever).
using Reply = std::function<void(std::optional<std::string> body)>;
// Runs on the connection's strand; must not block.
using Handler = std::function<void(const RequestHeader& header, Reply reply)>;

class KafkaServer {
 public:
  KafkaServer(boost::asio::io_context& io, KafkaServerOptions options, Handler handler);
  ~KafkaServer();
  KafkaServer(const KafkaServer&) = delete;
  KafkaServer& operator=(const KafkaServer&) = delete;

  // Binds and listens. IOError when the address cannot be bound.
  Status start();
  uint16_t port() const;
  // Stops accepting and closes every connection. Idempotent; any thread.
  void stop();

  struct State;  // opaque: shared with the connections (server.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace orderstream::kafka
