// SASL PLAIN on the Kafka listener of a server with --api-token, against the real binary: kcat
// (librdkafka, SaslAuthenticate) with the token as password gets through and a wrong one or none
// is refused with nothing stored; the bare-token (v0) way kafka-python uses; an unauthenticated
// stranger cannot send a large request; without a token SASL is ILLEGAL_SASL_STATE.
#include "e2e/kafka_wire_client.h"
#include "e2e/kcat_run.h"
#include "e2e/server_fixture.h"
#include "kafka/wire.h"

using namespace orderstream::test;
using orderstream::kafka::Reader;
using orderstream::kafka::Writer;

namespace {

constexpr int16_t kSaslHandshake = 17;
constexpr int16_t kMetadata = 3;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> sasl(const std::string& password) {
  return {"-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=mailer",
          "-X", "sasl.password=" + password};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string plain_handshake() {
  Writer w;
  w.string("PLAIN");
  return w.take();
}

}  // namespace

TEST_SUITE("e2e kafka sasl") {
  TEST_CASE("kcat with the API token as SASL PLAIN password produces and consumes, a wrong one or none is refused") {
    ServerFixture s;
    s.start(1, {"--api-token", "tok-123"});
    CliRun produced = kcat_run(s, with({"-P", "-t", "mail", "-K:"}, sasl("tok-123")), "k1:hello\n");
    REQUIRE_MESSAGE(produced.code == 0, produced.err);
    CliRun wrong = kcat_run(s, with({"-P", "-t", "mail", "-K:"}, sasl("guess")), "k2:stolen\n");
    CHECK(wrong.code != 0);
    CHECK(has(wrong.err, "Authentication failed"));
    CliRun none = kcat_run(s, {"-P", "-t", "mail", "-K:"}, "k3:stolen\n");
    CHECK(none.code != 0);
    CliRun read = kcat_run(s, with({"-C", "-t", "mail", "-e", "-q", "-f", "%k=%s\\n"}, sasl("tok-123")));
    REQUIRE_MESSAGE(read.code == 0, read.err);
    CHECK(read.out == "k1=hello\n");
    CHECK(has(s.proc->stderr_text(), "Invalid username or password"));
  }

  TEST_CASE("after a v0 handshake the bare PLAIN token is answered with an empty frame, then requests pass") {
    ServerFixture s;
    s.start(1, {"--api-token", "tok-123"});
    RawSocket sock(s.kafka_port);
    REQUIRE(sock.write(kafka_frame(kSaslHandshake, 0, 1, plain_handshake())));
    std::string got;
    for (int i = 0; i < 50 && kafka_responses(got).empty(); ++i) got += sock.read(200);
    auto hs = kafka_responses(got);
    REQUIRE(hs.size() == 1);
    Reader r(hs[0].second);
    CHECK(r.i16() == 0);
    std::string token("\0mailer\0tok-123", 15);
    Writer frame;
    frame.i32(static_cast<int32_t>(token.size()));
    frame.raw(token);
    REQUIRE(sock.write(frame.take()));
    std::string empty = sock.read(5000, std::string(4, '\0'));
    CHECK(empty == std::string(4, '\0'));
    Writer all_topics;
    all_topics.i32(-1);
    REQUIRE(sock.write(kafka_frame(kMetadata, 1, 2, all_topics.take())));
    got.clear();
    for (int i = 0; i < 50 && kafka_responses(got).empty(); ++i) got += sock.read(200);
    REQUIRE(kafka_responses(got).size() == 1);
    CHECK(kafka_responses(got)[0].first == 2);
  }

  TEST_CASE("a stranger's request before authentication closes the connection, a large one before it is read") {
    ServerFixture s;
    s.start(1, {"--api-token", "tok-123"});
    RawSocket metadata(s.kafka_port);
    Writer all_topics;
    all_topics.i32(-1);
    REQUIRE(metadata.write(kafka_frame(kMetadata, 1, 1, all_topics.take())));
    bool closed = false;
    std::string got = metadata.read(10000, "", &closed);
    CHECK(closed);
    CHECK(kafka_responses(got).empty());
    RawSocket large(s.kafka_port);
    Writer size;
    size.i32(1 << 20);  // 1 MiB: fine after authentication, not before
    REQUIRE(large.write(size.take()));
    closed = false;
    large.read(10000, "", &closed);
    CHECK(closed);
  }

  TEST_CASE("without an API token the listener is PLAINTEXT: SASL gets ILLEGAL_SASL_STATE and the connection stays") {
    ServerFixture s;
    s.start(1);
    KafkaWireClient c(s.kafka_port);
    auto hs = c.call(kSaslHandshake, 1, plain_handshake());
    REQUIRE(hs.has_value());
    Reader r(*hs);
    CHECK(r.i16() == 34);
    Writer all_topics;
    all_topics.i32(-1);
    CHECK(c.call(kMetadata, 1, all_topics.take()).has_value());
  }
}
