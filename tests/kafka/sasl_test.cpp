// The SASL gate of a Kafka connection: what may come before authentication, the v0 (bare
// token) and v1 (SaslAuthenticate) ways through PLAIN, refusals, and a PLAINTEXT listener's
// answers, field by field against Kafka's message schemas.
#include "kafka/sasl.h"

#include <doctest/doctest.h>

#include "kafka/wire.h"

namespace orderstream::kafka {
namespace {

RequestHeader request(ApiKey key, int16_t version, const std::string& body) {
  static std::string keep;  // the header's body is a view
  keep = body;
  RequestHeader h;
  h.api_key = static_cast<int16_t>(key);
  h.api_version = version;
  h.body = keep;
  return h;
}

std::string mechanism(const std::string& m) {
  Writer w;
  w.string(m);
  return w.take();
}

std::string auth_bytes(const std::string& plain) {
  Writer w;
  w.nullable_bytes(plain);
  return w.take();
}

const std::string kGood = std::string("\0alice\0s3cret", 13);

SaslGate gate() {
  return SaslGate([](std::string_view user, std::string_view password) { return !user.empty() && password == "s3cret"; });
}

TEST_SUITE("kafka sasl") {
  TEST_CASE("before authentication only ApiVersions and the handshake pass, anything else closes") {
    SaslGate g = gate();
    CHECK_FALSE(g.authenticated());
    CHECK(g.on_request(request(ApiKey::kApiVersions, 2, "")).kind == SaslGate::Step::kPass);
    SaslGate::Step metadata = g.on_request(request(ApiKey::kMetadata, 4, ""));
    CHECK(metadata.kind == SaslGate::Step::kClose);
    CHECK(metadata.why.find("SASL PLAIN") != std::string::npos);
    CHECK(g.on_request(request(ApiKey::kSaslAuthenticate, 1, auth_bytes(kGood))).kind == SaslGate::Step::kClose);
  }

  TEST_CASE("a v1 handshake then SaslAuthenticate with the right password authenticates") {
    for (int16_t version : {0, 1}) {
      CAPTURE(version);
      SaslGate g = gate();
      SaslGate::Step hs = g.on_request(request(ApiKey::kSaslHandshake, 1, mechanism("PLAIN")));
      REQUIRE(hs.kind == SaslGate::Step::kAnswer);
      Reader r(hs.body);
      CHECK(r.i16() == 0);
      CHECK(r.array_length() == 1);
      CHECK(r.string() == "PLAIN");
      CHECK(r.remaining() == 0);
      SaslGate::Step auth = g.on_request(request(ApiKey::kSaslAuthenticate, version, auth_bytes(kGood)));
      REQUIRE(auth.kind == SaslGate::Step::kAnswer);
      CHECK_FALSE(auth.close_after);
      Reader a(auth.body);
      CHECK(a.i16() == 0);
      CHECK_FALSE(a.nullable_string().has_value());
      CHECK(a.nullable_bytes() == std::string_view());
      if (version >= 1) CHECK(a.i64() == 0);
      CHECK(a.ok());
      CHECK(a.remaining() == 0);
      CHECK(g.authenticated());
      CHECK(g.on_request(request(ApiKey::kMetadata, 4, "")).kind == SaslGate::Step::kPass);
    }
  }

  TEST_CASE("a v0 handshake is followed by the bare token, answered with an empty frame") {
    SaslGate g = gate();
    REQUIRE(g.on_request(request(ApiKey::kSaslHandshake, 0, mechanism("PLAIN"))).kind == SaslGate::Step::kAnswer);
    CHECK(g.expects_raw_token());
    SaslGate::Step ok = g.on_raw_token(std::string("alice\0alice\0s3cret", 18));  // authzid = user
    CHECK(ok.kind == SaslGate::Step::kAnswer);
    CHECK(ok.body.empty());
    CHECK(g.authenticated());
    SaslGate bad = gate();
    bad.on_request(request(ApiKey::kSaslHandshake, 0, mechanism("PLAIN")));
    SaslGate::Step refused = bad.on_raw_token(std::string("\0alice\0guess", 12));
    CHECK(refused.kind == SaslGate::Step::kClose);
    CHECK(refused.why.find("Invalid username or password") != std::string::npos);
  }

  TEST_CASE("a wrong password, a foreign authorization id or a malformed message is refused and closes") {
    for (std::string plain : {std::string("\0alice\0guess", 12), std::string("bob\0alice\0s3cret", 16),
                              std::string("alice-s3cret"), std::string("\0\0s3cret", 8), std::string("\0a\0b\0c", 6)}) {
      CAPTURE(plain);
      SaslGate g = gate();
      g.on_request(request(ApiKey::kSaslHandshake, 1, mechanism("PLAIN")));
      SaslGate::Step s = g.on_request(request(ApiKey::kSaslAuthenticate, 1, auth_bytes(plain)));
      REQUIRE(s.kind == SaslGate::Step::kAnswer);
      CHECK(s.close_after);
      Reader r(s.body);
      CHECK(r.i16() == 58);  // SASL_AUTHENTICATION_FAILED
      auto message = r.nullable_string();
      REQUIRE(message.has_value());
      CHECK(message->find("Authentication failed") == 0);
      CHECK_FALSE(g.authenticated());
    }
  }

  TEST_CASE("an unknown mechanism is UNSUPPORTED_SASL_MECHANISM naming PLAIN, and the client may try again") {
    SaslGate g = gate();
    SaslGate::Step s = g.on_request(request(ApiKey::kSaslHandshake, 1, mechanism("SCRAM-SHA-256")));
    REQUIRE(s.kind == SaslGate::Step::kAnswer);
    Reader r(s.body);
    CHECK(r.i16() == 33);
    CHECK(r.array_length() == 1);
    CHECK(r.string() == "PLAIN");
    CHECK(g.on_request(request(ApiKey::kSaslHandshake, 1, mechanism("PLAIN"))).kind == SaslGate::Step::kAnswer);
    CHECK(g.on_request(request(ApiKey::kSaslHandshake, 1, "\x00")).kind == SaslGate::Step::kClose);
  }

  TEST_CASE("a PLAINTEXT listener passes everything and answers SASL with ILLEGAL_SASL_STATE") {
    SaslGate g{PlainCheck{}};
    CHECK(g.authenticated());
    CHECK(g.on_request(request(ApiKey::kMetadata, 4, "")).kind == SaslGate::Step::kPass);
    SaslGate::Step hs = g.on_request(request(ApiKey::kSaslHandshake, 1, mechanism("PLAIN")));
    REQUIRE(hs.kind == SaslGate::Step::kAnswer);
    Reader r(hs.body);
    CHECK(r.i16() == 34);
    CHECK(r.array_length() == 0);
    SaslGate::Step auth = g.on_request(request(ApiKey::kSaslAuthenticate, 0, auth_bytes(kGood)));
    REQUIRE(auth.kind == SaslGate::Step::kAnswer);
    Reader a(auth.body);
    CHECK(a.i16() == 34);
    CHECK(g.on_request(request(ApiKey::kSaslHandshake, 2, "")).kind == SaslGate::Step::kPass);  // UNSUPPORTED_VERSION
  }
}

}  // namespace
}  // namespace orderstream::kafka
