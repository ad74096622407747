// The Kafka listener of `serve`, first steps (ApiVersions, Metadata, Produce, Fetch, ListOffsets):
// kcat (librdkafka) sees the log's topics and auto-creates one, produces records the CLI reads
// and reads records the REST Proxy wrote, is refused the ecosystem's topics, requests pipelined
// on one connection are answered in order, and bad framing or an API not yet spoken never takes
// the server down.
#include <filesystem>

#include "e2e/cli_run.h"
#include "e2e/kafka_wire_client.h"
#include "e2e/kcat_run.h"
#include "e2e/server_fixture.h"
#include "kafka/wire.h"

using namespace orderstream::test;
using orderstream::kafka::Reader;
using orderstream::kafka::Writer;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("e2e kafka listener") {
  TEST_CASE("kcat produces keys, values and headers that the CLI reads, and reads back what the REST Proxy wrote") {
    ServerFixture s;
    s.start(2);
    CliRun produced = kcat_run(s, {"-P", "-t", "clicks", "-K:", "-H", "src=kcat"}, "k1:v1\nk2:v2\nk3:v3\n");
    REQUIRE_MESSAGE(produced.code == 0, produced.err);
    CliRun consumed = run_cli(s.dir.str(), {"consume", "clicks", "-e", "-f", "%k=%s %h\\n", "--data-dir", s.data_dir()});
    REQUIRE_MESSAGE(consumed.code == 0, consumed.err);
    for (const char* line : {"k1=v1 src=kcat", "k2=v2 src=kcat", "k3=v3 src=kcat"})
      CHECK_MESSAGE(has(consumed.out, line), consumed.out);

    HttpResult rest = http_request(s.port, bhttp::verb::post, "/topics/clicks",
                                   R"({"records":[{"key":"r1","value":{"n":1},"partition":0}]})",
                                   "application/vnd.kafka.json.v2+json");
    REQUIRE_MESSAGE(rest.status == 200, rest.body);
    CliRun read = kcat_run(s, {"-C", "-t", "clicks", "-o", "beginning", "-e", "-f", "%p:%o %k=%s\\n"});
    REQUIRE_MESSAGE(read.code == 0, read.err);
    CHECK_MESSAGE(has(read.out, "0:0 r1={\"n\":1}"), read.out);
    int lines = 0;
    for (char c : read.out) lines += c == '\n';
    CHECK(lines == 4);
  }

  TEST_CASE("kcat's gzip, snappy, lz4 and zstd batches are stored as plain records") {
    ServerFixture s;
    s.start(1);
    for (const char* codec : {"gzip", "snappy", "lz4", "zstd"}) {
      CAPTURE(codec);
      CliRun produced = kcat_run(s, {"-P", "-t", "packed", "-K:", "-z", codec}, std::string(codec) + ":" + std::string(200, 'x') + "\n");
      REQUIRE_MESSAGE(produced.code == 0, produced.err);
    }
    CliRun consumed = run_cli(s.dir.str(), {"consume", "packed", "-e", "-f", "%k %S\\n", "--data-dir", s.data_dir()});
    REQUIRE_MESSAGE(consumed.code == 0, consumed.err);
    for (const char* line : {"gzip 200", "snappy 200", "lz4 200", "zstd 200"}) CHECK_MESSAGE(has(consumed.out, line), consumed.out);
  }

  TEST_CASE("kcat is refused the ecosystem's topics with TOPIC_AUTHORIZATION_FAILED and nothing is stored") {
    ServerFixture s;
    s.start(1);
    CliRun forged = kcat_run(s, {"-P", "-t", "orders", "-K:"}, "g2:{\"state\":\"VALIDATED\"}\n");
    CHECK(forged.code != 0);
    CHECK_MESSAGE(has(forged.err, "Topic authorization failed"), forged.err);
    CliRun described = run_cli(s.dir.str(), {"topics", "describe", "orders", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(has(described.out, "0                       0              0            0"), described.out);
  }

  TEST_CASE("ListOffsets finds the first record at or after a time, so kcat can start there") {
    ServerFixture s;
    s.start(1);
    REQUIRE(kcat_run(s, {"-P", "-t", "events", "-K:"}, "a:1\nb:2\n").code == 0);
    CliRun all = kcat_run(s, {"-C", "-t", "events", "-o", "beginning", "-e", "-f", "%T\\n"});
    REQUIRE(all.code == 0);
    std::string first_ts = all.out.substr(0, all.out.find('\n'));
    CliRun from = kcat_run(s, {"-C", "-t", "events", "-o", "s@" + first_ts, "-e", "-f", "%k\\n"});
    REQUIRE_MESSAGE(from.code == 0, from.err);
    CHECK(has(from.out, "a\n"));
    CliRun late = kcat_run(s, {"-C", "-t", "events", "-o", "s@99999999999999", "-e", "-f", "%k\\n"});
    CHECK_MESSAGE(!has(late.out, "a\n"), late.out);
  }

  TEST_CASE("a LogAppendTime topic keeps the log's time, answers it to the producer and marks fetched batches so") {
    ServerFixture s;
    s.start(1);
    REQUIRE(s.post("/v1/admin/topics", R"({"name":"stamped","partitions":1,"configs":{"message.timestamp.type":"LogAppendTime"}})")
                .status == 201);
    KafkaWireClient c(s.kafka_port);
    orderstream::kafka::RecordBatch b;
    for (int i = 0; i < 2; ++i) {
      auto& r = b.records.emplace_back();
      r.timestamp_ms = 1000 + i;  // the producer's clock, far in the past
      r.offset_delta = i;
      r.value = "v" + std::to_string(i);
    }
    Produced p = produce_batch(c, "stamped", b);
    REQUIRE(p.error == 0);
    CHECK(p.log_append_time_ms > 1600000000000);
    CHECK(produce_batch(c, "clicks", b).log_append_time_ms == -1);  // CreateTime: none
    // kcat's %T is the record's timestamp; librdkafka reads a LogAppendTime batch's from the batch.
    CliRun read = kcat_run(s, {"-C", "-t", "stamped", "-e", "-q", "-f", "%T %s\\n"});
    REQUIRE_MESSAGE(read.code == 0, read.err);
    std::string want = std::to_string(p.log_append_time_ms);
    CHECK(read.out == want + " v0\n" + want + " v1\n");
    CliRun kept = kcat_run(s, {"-C", "-t", "clicks", "-e", "-q", "-f", "%T\\n"});
    CHECK(kept.out == "1000\n1001\n");
  }

  TEST_CASE("kcat lists the log's topics and partitions, and a topic it asks for is auto-created") {
    ServerFixture s;
    s.start(2);
    CliRun all = kcat_run(s, {"-L"});
    REQUIRE_MESSAGE(all.code == 0, all.err);
    CHECK_MESSAGE(has(all.out, "broker 0 at 127.0.0.1:" + std::to_string(s.kafka_port)), all.out);
    CHECK(has(all.out, "topic \"orders\" with 2 partitions"));
    CHECK(has(all.out, "topic \"order-validations\" with 2 partitions"));
    CHECK(has(all.out, "partition 1, leader 0, replicas: 0, isrs: 0"));

    CliRun created = kcat_run(s, {"-L", "-t", "page-views"});
    REQUIRE_MESSAGE(created.code == 0, created.err);
    CHECK_MESSAGE(has(created.out, "topic \"page-views\" with 2 partitions"), created.out);
    CliRun described = run_cli(s.dir.str(), {"topics", "describe", "page-views", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(described.code == 0, described.err);  // the log's own topic, as the CLI sees it
  }

  TEST_CASE("OffsetCommit and OffsetFetch are the log's group offsets, and a task's group is refused") {
    ServerFixture s;
    s.start(1);
    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, "a:1\nb:2\n").code == 0);
    auto commit = [&](const std::string& group, int64_t offset) {
      Writer b;  // OffsetCommit v2
      b.string(group);
      b.i32(-1);  // generation: outside a group protocol
      b.string("");
      b.i64(-1);  // retention
      b.array_length(1);
      b.string("clicks");
      b.array_length(1);
      b.i32(0);
      b.i64(offset);
      b.nullable_string(std::nullopt);
      return kafka_frame(8, 2, 11, b.bytes());
    };
    Writer fetch_body;  // OffsetFetch v1
    fetch_body.string("mailers");
    fetch_body.array_length(1);
    fetch_body.string("clicks");
    fetch_body.array_length(1);
    fetch_body.i32(0);
    Writer coord;
    coord.string("mailers");
    coord.i8(0);
    RawSocket sock(s.kafka_port);
    REQUIRE(sock.write(kafka_frame(10, 1, 10, coord.bytes()) + commit("mailers", 2) + commit("inventory", 1) +
                       kafka_frame(9, 1, 13, fetch_body.bytes())));
    std::string got;
    for (int i = 0; i < 50 && kafka_responses(got).size() < 4; ++i) got += sock.read(200);
    auto r = kafka_responses(got);
    REQUIRE(r.size() == 4);
    Reader found(r[0].second);
    (void)found.i32();
    CHECK(found.i16() == 0);
    (void)found.nullable_string();
    CHECK(found.i32() == 0);
    CHECK(found.string() == "127.0.0.1");
    CHECK(found.i32() == s.kafka_port);
    auto partition_error = [](const std::string& body) {
      Reader c(body);
      (void)c.array_length();
      (void)c.string();
      (void)c.array_length();
      (void)c.i32();
      return c.i16();
    };
    CHECK(partition_error(r[1].second) == 0);
    CHECK(partition_error(r[2].second) == 30);  // GROUP_AUTHORIZATION_FAILED
    Reader fetched(r[3].second);
    (void)fetched.array_length();
    CHECK(fetched.string() == "clicks");
    (void)fetched.array_length();
    CHECK(fetched.i32() == 0);
    CHECK(fetched.i64() == 2);

    CliRun groups = run_cli(s.dir.str(), {"groups", "describe", "mailers", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(has(groups.out, "clicks"), groups.out);
    CliRun inventory = run_cli(s.dir.str(), {"groups", "describe", "inventory", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(!has(inventory.out, "clicks"), inventory.out);
  }

  TEST_CASE("requests pipelined on one connection are answered in order") {
    ServerFixture s;
    s.start(1);
    RawSocket sock(s.kafka_port);
    REQUIRE(sock.connected());
    Writer all_topics;
    all_topics.array_length(0);  // Metadata v0: every topic
    // kafka-python's probe: ApiVersions v0 and Metadata v0 back to back, then v3 as librdkafka sends.
    REQUIRE(sock.write(kafka_frame(18, 0, 1) + kafka_frame(3, 0, 2, all_topics.bytes()) + kafka_frame(18, 3, 3)));
    std::string got;
    for (int i = 0; i < 50 && kafka_responses(got).size() < 3; ++i) got += sock.read(200);
    auto r = kafka_responses(got);
    REQUIRE(r.size() == 3);
    CHECK(r[0].first == 1);
    CHECK(r[1].first == 2);
    CHECK(r[2].first == 3);
    Reader versions(r[0].second);
    CHECK(versions.i16() == 0);
    Reader v3(r[2].second);
    CHECK(v3.i16() == 35);  // UNSUPPORTED_VERSION, listing what is supported
    CHECK(has(r[1].second, "orders"));
  }

  TEST_CASE("pipelined Produce requests keep their order, the first creating the topic, and a Fetch behind them sees all") {
    ServerFixture s;
    s.start(1);
    RawSocket sock(s.kafka_port);
    REQUIRE(sock.connected());
    std::string frames;
    for (int i = 0; i < 3; ++i) {
      orderstream::kafka::RecordBatch b;
      for (int j = 0; j < 2; ++j) {
        auto& r = b.records.emplace_back();
        r.timestamp_ms = 1700000000000;
        r.offset_delta = j;
        r.value = std::string(1, static_cast<char>('a' + i)) + std::to_string(j);
      }
      frames += kafka_frame(0, 3, 10 + i, produce_body("pipe", b));  // "pipe" does not exist yet
    }
    Writer fetch;  // Fetch v4 of pipe/0 from offset 0
    fetch.i32(-1);
    fetch.i32(0);  // max_wait_ms: answer with what is there
    fetch.i32(1);
    fetch.i32(1 << 20);
    fetch.i8(0);
    fetch.array_length(1);
    fetch.string("pipe");
    fetch.array_length(1);
    fetch.i32(0);
    fetch.i64(0);
    fetch.i32(1 << 20);
    REQUIRE(sock.write(frames + kafka_frame(1, 4, 20, fetch.bytes())));
    std::string got;
    for (int i = 0; i < 100 && kafka_responses(got).size() < 4; ++i) got += sock.read(200);
    auto r = kafka_responses(got);
    REQUIRE(r.size() == 4);
    for (int i = 0; i < 3; ++i) {
      CHECK(r[static_cast<size_t>(i)].first == 10 + i);
      Reader p(r[static_cast<size_t>(i)].second);
      enter_only_partition(p);
      CHECK(p.i16() == 0);
      CHECK(p.i64() == 2 * i);  // each request's records after the one before's
    }
    CHECK(r[3].first == 20);
    Reader f(r[3].second);
    f.i32();  // throttle
    enter_only_partition(f);
    CHECK(f.i16() == 0);
    CHECK(f.i64() == 6);  // the high watermark: the fetch saw every record produced before it
    CliRun read = kcat_run(s, {"-C", "-t", "pipe", "-e", "-q"});
    CHECK(read.out == "a0\na1\nb0\nb1\nc0\nc1\n");
  }

  TEST_CASE("an API not spoken yet is UNSUPPORTED_VERSION and the connection stays usable") {
    ServerFixture s;
    s.start(1);
    RawSocket sock(s.kafka_port);
    REQUIRE(sock.write(kafka_frame(29, 0, 7, "junk") + kafka_frame(18, 1, 8)));  // DescribeAcls
    std::string got;
    for (int i = 0; i < 50 && kafka_responses(got).size() < 2; ++i) got += sock.read(200);
    auto r = kafka_responses(got);
    REQUIRE(r.size() == 2);
    CHECK(r[0].first == 7);
    Reader acls(r[0].second);
    CHECK(acls.i16() == 35);
    CHECK(r[1].first == 8);
  }

  TEST_CASE("an oversized or garbled request closes only its connection") {
    ServerFixture s;
    s.start(1);
    for (std::string bad : {std::string("\x7f\xff\xff\xff", 4), std::string("\x00\x00\x00\x02xx", 6),
                            std::string("\xff\xff\xff\xf0", 4)}) {
      RawSocket sock(s.kafka_port);
      REQUIRE(sock.write(bad));
      bool closed = false;
      sock.read(10000, "", &closed);
      CHECK(closed);
    }
    RawSocket good(s.kafka_port);
    REQUIRE(good.write(kafka_frame(18, 2, 9)));
    std::string got;
    for (int i = 0; i < 50 && kafka_responses(got).empty(); ++i) got += good.read(200);
    REQUIRE(kafka_responses(got).size() == 1);
    CHECK(s.get("/health").status == 200);
  }
}
