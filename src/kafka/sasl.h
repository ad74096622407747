// SASL on the Kafka listener: SaslHandshake (key 17) and SaslAuthenticate (key 36), versions
// 0-1, with the PLAIN mechanism (RFC 4616), and the per-connection gate that decides what a
// client may send before it has authenticated, as Kafka's SaslServerAuthenticator does:
// - ApiVersions and SaslHandshake only; anything else closes the connection.
// - A v0 handshake is followed by the bare token (a size-prefixed frame without a request
//   header) and answered with an empty frame on success (kafka-python does this); a v1
//   handshake by SaslAuthenticate requests (librdkafka, kafkajs).
// - A failed authentication is answered (SASL_AUTHENTICATION_FAILED, where the protocol has an
//   answer) and the connection closed.
// Without a PlainCheck the listener is PLAINTEXT: SASL requests get ILLEGAL_SASL_STATE, as a
// Kafka broker's PLAINTEXT listener answers them. Pure logic, no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "kafka/protocol.h"

namespace orderstream::kafka {

// Whether a PLAIN client's user name and password are accepted.
using PlainCheck = std::function<bool(std::string_view user, std::string_view password)>;

// Unauthenticated clients may send at most this much per request (Kafka's
// sasl.server.max.receive.size), so a stranger cannot make the server buffer 100 MiB.
inline constexpr size_t kMaxUnauthenticatedRequestBytes = 512 * 1024;

class SaslGate {
 public:
  // `check` empty: no authentication required.
  explicit SaslGate(PlainCheck check);

  bool authenticated() const { return state_ == State::kAuthenticated; }
  // The next frame is a bare token, not a request (after a v0 handshake).
  bool expects_raw_token() const { return state_ == State::kRawToken; }

  struct Step {
    enum Kind { kPass, kAnswer, kClose };
    Kind kind = kPass;         // kPass: the broker answers the request
    std::string body;          // kAnswer: the response body (for a bare token: the reply frame's content)
    bool close_after = false;  // kAnswer: close the connection once it is written
    std::string why;           // for the server's log; empty when there is nothing to say
  };
  Step on_request(const RequestHeader& header);
  Step on_raw_token(std::string_view token);

 private:
  enum class State { kHandshake, kRawToken, kAuthenticate, kAuthenticated };
  // The PLAIN message's verdict: empty when accepted, else why not.
  std::string check_plain(std::string_view message) const;
  PlainCheck check_;
  State state_;
};

}  // namespace orderstream::kafka
