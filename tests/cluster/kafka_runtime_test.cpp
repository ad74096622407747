// KafkaRuntime against librdkafka's mock brokers: a word count (the record key is the word, the
// value a unique occurrence id) runs its steps as Kafka transactions, keeps its state locally as a
// cache of the changelog, restores it from the changelog when the local copy is lost or the task
// moves to another instance, and owns the partitions its group gives it. The mock stores no
// offsets sent in a transaction, so every restart or move reads the inputs again from the start:
// the count is idempotent per occurrence id (as the ecosystem is per order id), which makes the
// replay harmless and shows that it is. What needs real transactional semantics (a restart
// resuming from its checkpoint, counts exact without idempotence) runs only on a real cluster.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>

#include "cluster/kafka_runtime.h"
#include "cluster/step_records.h"
#include "log/read_view.h"
#include "support/kafka_mock.h"
#include "support/kafka_topic_io.h"
#include "support/open_log.h"
#include "support/temp_dir.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::cluster;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;

namespace {

constexpr int kPartitions = 4;

// Counts the distinct occurrence ids (the values) of each word (the key) in store "counts",
// remembering the ids it has counted in store "seen", and emits each new count to word-counts.
// An occurrence read again changes nothing and emits nothing.
class WordCount final : public stream::Processor {
 public:
  explicit WordCount(std::string out) : out_(std::move(out)) {}
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.key || !r.value) return invalid_argument("a word needs a key and an occurrence id");
    OS_ASSIGN_OR_RETURN(std::optional<std::string> seen, ctx.get("seen", *r.value));
    if (seen) return Status::ok();
    ctx.put("seen", *r.value, "1");
    OS_ASSIGN_OR_RETURN(std::optional<std::string> v, ctx.get("counts", *r.key));
    std::string n = std::to_string((v ? std::stoll(*v) : 0) + 1);
    ctx.put("counts", *r.key, n);
    ctx.emit(out_, std::string(*r.key), n, r.timestamp_ms);
    return Status::ok();
  }

 private:
  std::string out_;
};

// Where a test's word count runs: the cluster, its application id and its two topics.
struct Cluster {
  std::string bootstrap;
  std::string app = "app";
  std::string words = "words";
  std::string counts = "word-counts";
};

Cluster on(const MockKafka& kafka) { return Cluster{kafka.bootstrap()}; }

stream::Topology word_count(const Cluster& c) {
  stream::Topology t;
  t.topics = {{c.words, {}}, {c.counts, {}}};
  stream::SubTopology s;
  s.name = "count";
  s.service = "count";
  s.inputs = {c.words};
  s.stores = {"counts", "seen"};
  s.make_processor = [out = c.counts](PartitionId) { return std::make_unique<WordCount>(out); };
  t.sub_topologies.push_back(std::move(s));
  return t;
}

std::vector<std::string> mock_topics() {
  return {"words:4", "word-counts:4", changelog_topic("app", "count", "counts") + ":4",
          changelog_topic("app", "count", "seen") + ":4", instances_topic("app") + ":1"};
}

// The mock's rebalances take session.timeout.ms - 1 s (notes/kafka-mock.md); a real broker
// refuses less than its group.min.session.timeout.ms, 6000 by default.
KafkaBackendOptions backend(const Cluster& c, const std::string& instance, int session_timeout_ms = 4000) {
  KafkaBackendOptions o;
  o.client.bootstrap_servers = c.bootstrap;
  o.client.properties = {{"session.timeout.ms", std::to_string(session_timeout_ms)}, {"heartbeat.interval.ms", "500"}};
  o.application_id = c.app;
  o.instance_id = instance;
  o.poll_wait = std::chrono::milliseconds(50);
  return o;
}

// Produces each word, keyed by itself, with a unique occurrence id, in one transaction.
void produce_words(const Cluster& c, const std::vector<std::string>& words) {
  static int occurrence = 0;
  std::vector<test::KeyValue> records;
  for (const std::string& w : words) records.push_back({w, w + "#" + std::to_string(++occurrence)});
  test::produce_to_cluster(c.bootstrap, c.words, records);
}

// The latest count of each word in word-counts, and how many count records there are.
std::map<std::string, std::string> latest_counts(const Cluster& c, size_t* records = nullptr) {
  std::map<std::string, std::string> out;
  std::vector<log::Record> all = test::read_cluster_topic(c.bootstrap, c.counts, kPartitions);
  for (const log::Record& r : all) out[r.key.value_or("")] = r.value.value_or("");
  if (records) *records = all.size();
  return out;
}

std::vector<std::string> words(const std::string& prefix, int distinct, int times) {
  std::vector<std::string> out;
  for (int t = 0; t < times; ++t)
    for (int i = 0; i < distinct; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

bool counts_are(const Cluster& c, const std::string& prefix, int distinct, const std::string& count) {
  auto latest = latest_counts(c);
  for (int i = 0; i < distinct; ++i) {
    auto it = latest.find(prefix + std::to_string(i));
    if (it == latest.end() || it->second != count) return false;
  }
  return true;
}

// The count a local log holds for `word` in the task that owns it (any partition).
std::optional<std::string> local_count(const log::Log& local, const std::string& word) {
  auto view = local.read_view();
  REQUIRE_OK(view);
  for (int p = 0; p < kPartitions; ++p) {
    auto v = view->get(stream::scoped_store_name("count", PartitionId(p), "counts"), word);
    REQUIRE_OK(v);
    if (*v) return std::string(**v);
  }
  return std::nullopt;
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("the Kafka runtime counts in transactions and restores a lost local state from the changelog") {
    TempDir dir("os-krt");
    MockKafka kafka(dir.str(), mock_topics(), 1);
    Cluster c = on(kafka);
    stream::Topology topology = word_count(c);
    produce_words(c, words("w", 20, 3));
    {
      auto local = test::open_log(dir);
      KafkaRuntime runtime(*local, topology, backend(c, "a"), kPartitions);
      REQUIRE_OK(runtime.init());
      REQUIRE_OK(runtime.start());
      REQUIRE(test::wait_until([&] { return counts_are(c, "w", 20, "3"); }, std::chrono::seconds(30)));
      REQUIRE(test::wait_until([&] { return local_count(*local, "w7") == "3"; }, std::chrono::seconds(10)));
      CHECK(runtime.owned("count").size() == kPartitions);
      CHECK(runtime.restored_records() == 0);
      CHECK(runtime.failed_tasks().empty());
    }
    size_t records = 0;
    latest_counts(c, &records);
    CHECK(records == 60);  // one count per occurrence

    // The local state is lost. The restart rebuilds it from the changelog before it processes,
    // so the inputs the mock replays from the start (it keeps no offsets) are known occurrences:
    // counting goes on from 3, and nothing is emitted twice.
    std::filesystem::remove_all(dir.file("data"));
    auto local = test::open_log(dir);
    KafkaRuntime runtime(*local, topology, backend(c, "a"), kPartitions);
    REQUIRE_OK(runtime.init());
    REQUIRE_OK(runtime.start());
    produce_words(c, words("w", 20, 1));
    REQUIRE(test::wait_until([&] { return counts_are(c, "w", 20, "4"); }, std::chrono::seconds(30)));
    CHECK(runtime.restored_records() >= 60);  // at least each occurrence's "seen" entry
    CHECK(local_count(*local, "w7") == "4");
    latest_counts(c, &records);
    CHECK(records == 80);
  }

  TEST_CASE("two Kafka runtimes split the tasks and the survivor takes over the other's state") {
    TempDir dir("os-krt2");
    MockKafka kafka(dir.str(), mock_topics(), 1);
    Cluster c = on(kafka);
    stream::Topology topology = word_count(c);
    TempDir dir_a("os-krt2-a"), dir_b("os-krt2-b");
    auto local_a = test::open_log(dir_a);
    auto local_b = test::open_log(dir_b);
    KafkaBackendOptions oa = backend(c, "a"), ob = backend(c, "b");
    oa.advertised_url = "http://a.example:8080";
    ob.advertised_url = "http://b.example:8080";
    KafkaRuntime a(*local_a, topology, oa, kPartitions);
    auto b = std::make_unique<KafkaRuntime>(*local_b, topology, ob, kPartitions);
    REQUIRE_OK(a.init());
    REQUIRE_OK(b->init());
    REQUIRE_OK(a.start());
    REQUIRE_OK(b->start());
    REQUIRE(test::wait_until([&] { return a.owned("count").size() == 2 && b->owned("count").size() == 2; },
                             std::chrono::seconds(30)));
    std::set<int32_t> moved = b->owned("count");
    // Each instance finds every partition's owner in the directory, b's where b said.
    auto owners_are = [&](const KafkaRuntime& r, const std::set<int32_t>& at_b) {
      for (int32_t p = 0; p < kPartitions; ++p)
        if (r.directory()->owner_url("count", p) != (at_b.count(p) ? ob.advertised_url : oa.advertised_url))
          return false;
      return true;
    };
    REQUIRE(test::wait_until([&] { return owners_are(a, moved) && owners_are(*b, moved); }, std::chrono::seconds(10)));
    produce_words(c, words("x", 20, 2));
    REQUIRE(test::wait_until([&] { return counts_are(c, "x", 20, "2"); }, std::chrono::seconds(30)));
    b.reset();  // leaves the group: its partitions move to a, which restores their state
    REQUIRE(test::wait_until([&] { return a.owned("count").size() == kPartitions; }, std::chrono::seconds(30)));
    REQUIRE(test::wait_until([&] { return owners_are(a, {}); }, std::chrono::seconds(10)));
    CHECK(a.directory()->instances().size() == 1);  // b's tombstone
    produce_words(c, words("x", 20, 1));
    REQUIRE(test::wait_until([&] { return counts_are(c, "x", 20, "3"); }, std::chrono::seconds(30)));
    CHECK(a.restored_records() > 0);
    size_t records = 0;
    latest_counts(c, &records);
    CHECK(records == 60);
    CHECK(a.failed_tasks().empty());
    // Each word's count lives in the task of its partition: b's words are now in a's local state.
    for (int i = 0; i < 20; ++i) CHECK(local_count(*local_a, "x" + std::to_string(i)) == "3");
  }

  // A step whose commit fails (here the producer is fenced) commits nothing; the worker reopens
  // its producer, checks the task against the group's offsets and does the step again.
  TEST_CASE("the Kafka runtime recovers from a fenced producer and a failed commit") {
    TempDir dir("os-krt5");
    MockKafka kafka(dir.str(), mock_topics(), 1, /*commands=*/true);
    Cluster c = on(kafka);
    stream::Topology topology = word_count(c);
    produce_words(c, words("f", 20, 2));
    // For the runtime's first transactions (the input is in already).
    CHECK(kafka.command("err 24 29") == "ok");  // the next AddPartitionsToTxn: abortable
    CHECK(kafka.command("err 26 90") == "ok");  // the next EndTxn: PRODUCER_FENCED
    auto local = test::open_log(dir);
    KafkaRuntime runtime(*local, topology, backend(c, "a"), kPartitions);
    REQUIRE_OK(runtime.init());
    REQUIRE_OK(runtime.start());
    REQUIRE(test::wait_until([&] { return counts_are(c, "f", 20, "2"); }, std::chrono::seconds(30)));
    REQUIRE(test::wait_until([&] { return runtime.failed_tasks().empty(); }, std::chrono::seconds(10)));
    for (int i = 0; i < 20; ++i) CHECK(local_count(*local, "f" + std::to_string(i)) == "2");
  }

  TEST_CASE("the Kafka runtime refuses a cluster topic whose partition count differs from its own") {
    TempDir dir("os-krt3");
    MockKafka kafka(dir.str(), {"words:2", "word-counts:4", changelog_topic("app", "count", "counts") + ":4",
                                changelog_topic("app", "count", "seen") + ":4", instances_topic("app") + ":1"},
                    1);
    Cluster c = on(kafka);
    stream::Topology topology = word_count(c);
    auto local = test::open_log(dir);
    KafkaRuntime runtime(*local, topology, backend(c, "a"), kPartitions);
    Status st = runtime.init();
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(st.message().find("'words' has 2 partitions") != std::string::npos, st.message());
  }

  // The mock cannot create topics (CreateTopics waits for a controller it does not have), so this
  // shows the request is made for every missing topic and its failure said plainly.
  TEST_CASE("the Kafka runtime asks the cluster for its missing topics and names them when it cannot") {
    TempDir dir("os-krt4");
    MockKafka kafka(dir.str(), {"words:4"}, 1);
    Cluster c = on(kafka);
    stream::Topology topology = word_count(c);
    auto local = test::open_log(dir);
    KafkaBackendOptions o = backend(c, "a");
    o.client.timeout = std::chrono::milliseconds(1000);
    KafkaRuntime runtime(*local, topology, o, kPartitions);
    Status st = runtime.init();
    CHECK(st.code() == StatusCode::kTimeout);
    CHECK_MESSAGE(st.message().find("'word-counts', '" + changelog_topic("app", "count", "counts") + "'") !=
                      std::string::npos,
                  st.message());
    CHECK_MESSAGE(st.message().find("'words'") == std::string::npos, st.message());  // it exists
  }

  // What the mock cannot show: the offsets go with each transaction, so a restart on its own
  // local state resumes where it stopped and restores nothing, and only a lost local state is
  // restored. Runs when ORDERSTREAM_KAFKA_BOOTSTRAP names a real cluster; its topics are named
  // for the run and created by the runtime.
  TEST_CASE("on a real Kafka cluster a restart resumes from its committed offsets without a restore") {
    const char* bootstrap = std::getenv("ORDERSTREAM_KAFKA_BOOTSTRAP");
    if (!bootstrap || !*bootstrap) {
      MESSAGE("skipped: needs a real Kafka cluster (set ORDERSTREAM_KAFKA_BOOTSTRAP=HOST:PORT); librdkafka's mock "
              "stores no offsets sent in a transaction");
      return;
    }
    std::string run = "os-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr));
    Cluster c{bootstrap, run, run + "-words", run + "-word-counts"};
    stream::Topology topology = word_count(c);
    TempDir dir("os-krt-real");
    auto run_once = [&](const std::vector<std::string>& input, const std::string& count) {
      auto local = test::open_log(dir);
      KafkaRuntime runtime(*local, topology, backend(c, "a", 6000), kPartitions);
      REQUIRE_OK(runtime.init());
      REQUIRE_OK(runtime.start());
      produce_words(c, input);
      REQUIRE(test::wait_until([&] { return counts_are(c, "r", 20, count); }, std::chrono::seconds(60)));
      CHECK(runtime.failed_tasks().empty());
      return runtime.restored_records();
    };
    CHECK(run_once(words("r", 20, 3), "3") == 0);
    CHECK(run_once(words("r", 20, 1), "4") == 0);  // its own state, its offsets: nothing restored
    std::filesystem::remove_all(dir.file("data"));
    CHECK(run_once(words("r", 20, 1), "5") > 0);
    size_t records = 0;
    latest_counts(c, &records);
    CHECK(records == 100);
  }
}
