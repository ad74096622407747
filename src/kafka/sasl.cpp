#include "kafka/sasl.h"

#include <vector>

#include "kafka/wire.h"

namespace orderstream::kafka {

namespace {

constexpr int16_t kUnsupportedSaslMechanism = 33;
constexpr int16_t kIllegalSaslState = 34;
constexpr int16_t kSaslAuthenticationFailed = 58;
constexpr std::string_view kPlain = "PLAIN";

std::string handshake_response(int16_t error_code, bool offer_plain) {
  Writer w;
  w.i16(error_code);
  w.array_length(offer_plain ? 1 : 0);
  if (offer_plain) w.string(kPlain);
  return w.take();
}

std::string authenticate_response(int16_t version, int16_t error_code, const std::string& message) {
  Writer w;
  w.i16(error_code);
  if (message.empty()) w.nullable_string(std::nullopt);
  else w.nullable_string(message);
  w.nullable_bytes(std::string_view());  // PLAIN's server sends no challenge
  if (version >= 1) w.i64(0);            // session_lifetime_ms: no re-authentication required
  return w.take();
}

bool is(const RequestHeader& h, ApiKey key) { return h.api_key == static_cast<int16_t>(key); }

}  // namespace

SaslGate::SaslGate(PlainCheck check)
    : check_(std::move(check)), state_(check_ ? State::kHandshake : State::kAuthenticated) {}

std::string SaslGate::check_plain(std::string_view message) const {
  // [authzid] NUL authcid NUL passwd, as RFC 4616 has it.
  size_t a = message.find('\0');
  size_t b = a == std::string_view::npos ? a : message.find('\0', a + 1);
  if (b == std::string_view::npos || message.find('\0', b + 1) != std::string_view::npos)
    return "Authentication failed: a PLAIN message is [authzid] NUL user NUL password";
  std::string_view authzid = message.substr(0, a);
  std::string_view user = message.substr(a + 1, b - a - 1);
  std::string_view password = message.substr(b + 1);
  if (user.empty() || password.empty()) return "Authentication failed: user name and password are required";
  if (!authzid.empty() && authzid != user)
    return "Authentication failed: an authorization id different from the user name is not allowed";
  if (!check_(user, password)) return "Authentication failed: Invalid username or password";
  return "";
}

SaslGate::Step SaslGate::on_request(const RequestHeader& h) {
  bool handshake = is(h, ApiKey::kSaslHandshake);
  bool authenticate = is(h, ApiKey::kSaslAuthenticate);
  auto version_ok = [&h] { return h.api_version >= 0 && h.api_version <= 1; };
  if (state_ == State::kAuthenticated) {
    if (!handshake && !authenticate) return {};
    // A PLAINTEXT listener, or a second handshake on an authenticated connection.
    if (!version_ok()) return {};  // the broker answers UNSUPPORTED_VERSION
    if (handshake) return {Step::kAnswer, handshake_response(kIllegalSaslState, false), false, ""};
    return {Step::kAnswer, authenticate_response(h.api_version, kIllegalSaslState, "SASL is not expected here"), false, ""};
  }
  if (is(h, ApiKey::kApiVersions)) return {};
  if (state_ == State::kHandshake && handshake && version_ok()) {
    Reader in(h.body);
    std::string_view mechanism = in.string();
    if (!in.ok()) return {Step::kClose, "", false, "a malformed SaslHandshake"};
    if (mechanism != kPlain)
      return {Step::kAnswer, handshake_response(kUnsupportedSaslMechanism, true), false,
              "SASL mechanism " + std::string(mechanism) + " asked for; only PLAIN is offered"};
    state_ = h.api_version == 0 ? State::kRawToken : State::kAuthenticate;
    return {Step::kAnswer, handshake_response(0, true), false, ""};
  }
  if (state_ == State::kAuthenticate && authenticate && version_ok()) {
    Reader in(h.body);
    auto bytes = in.nullable_bytes();
    if (!in.ok() || !bytes) return {Step::kClose, "", false, "a malformed SaslAuthenticate"};
    std::string refusal = check_plain(*bytes);
    if (!refusal.empty())
      return {Step::kAnswer, authenticate_response(h.api_version, kSaslAuthenticationFailed, refusal), true, refusal};
    state_ = State::kAuthenticated;
    return {Step::kAnswer, authenticate_response(h.api_version, 0, ""), false, ""};
  }
  return {Step::kClose, "", false,
          "a request (API key " + std::to_string(h.api_key) + ") before SASL authentication; this listener requires SASL PLAIN"};
}

SaslGate::Step SaslGate::on_raw_token(std::string_view token) {
  std::string refusal = check_plain(token);
  // A v0 client learns of a failure only from the closed connection, as with Kafka.
  if (!refusal.empty()) return {Step::kClose, "", false, refusal};
  state_ = State::kAuthenticated;
  return {Step::kAnswer, "", false, ""};
}

}  // namespace orderstream::kafka
