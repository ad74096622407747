// Consumer groups of the REST Proxy over a real log: instances of a group split the partitions,
// rebalance on join, leave, unsubscribe, expiry and a topic's new partition count, and a partition
// that moves starts at the group's committed offset. Also run concurrently (for TSan).
#include "api/consumer_instances.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <map>
#include <set>
#include <thread>

#include "support/check_ok.h"
#include "support/temp_dir.h"
#include "support/open_log.h"
#include "support/wait.h"

namespace orderstream::api {

namespace {

constexpr std::chrono::minutes kLongIdle{5};

struct LogFixture {
  test::TempDir dir{"os-consumer-instances"};
  std::unique_ptr<log::Log> log;

  LogFixture() {
    log = test::open_log(dir);
  }
  // Creates `topic` with `partitions` partitions and appends `n` records to each.
  void topic(const std::string& topic, int32_t partitions, int n = 0) {
    REQUIRE_OK(log->create_topic(topic, partitions, {}));
    fill(topic, partitions, n);
  }
  // Appends `n` records to each partition of `topic`.
  void fill(const std::string& topic, int32_t partitions, int n) {
    for (int32_t p = 0; p < partitions; ++p)
      for (int i = 0; i < n; ++i) {
        std::string value = std::to_string(i);
        log::RecordData r;
        r.value = value;
        REQUIRE_OK(log->append(topic, PartitionId(p), std::span<const log::RecordData>(&r, 1)));
      }
  }
  void commit(const std::string& group, const TpKey& tp, int64_t next) {
    REQUIRE_OK(log->write([&](log::WriteTxn& txn) {
      return txn.commit_offset(group, {tp.first, PartitionId(tp.second)}, Offset(next));
    }));
  }
};

std::shared_ptr<ConsumerInstance> joined(ConsumerInstances& reg, const std::string& name,
                                         const std::vector<std::string>& topics) {
  auto inst = reg.create("g", name, /*earliest=*/true, /*auto_commit=*/false);
  REQUIRE_OK(inst);
  REQUIRE_OK(reg.subscribe(**inst, topics));
  return *inst;
}

// (partition, offset) of each record of a fetch.
std::vector<std::pair<int32_t, int64_t>> fetched(ConsumerInstance& inst, const log::Log& log) {
  auto f = inst.fetch(log, SIZE_MAX);
  REQUIRE_OK(f);
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  REQUIRE(parser.parse(f->json).get_array().get(arr) == simdjson::SUCCESS);
  std::vector<std::pair<int32_t, int64_t>> out;
  for (simdjson::dom::element e : arr)
    out.emplace_back(static_cast<int32_t>(e["partition"].get_int64().value()), e["offset"].get_int64().value());
  CHECK(out.size() == f->count);
  return out;
}

// The partitions of `insts` never overlap, and together they are exactly `expected`.
void check_split(const std::vector<std::shared_ptr<ConsumerInstance>>& insts, const std::set<TpKey>& expected) {
  std::set<TpKey> all;
  size_t total = 0;
  for (const auto& i : insts) {
    auto ps = i->partitions();
    total += ps.size();
    all.insert(ps.begin(), ps.end());
  }
  CHECK(total == all.size());
  CHECK(all == expected);
}

std::set<TpKey> partitions_of(const std::string& topic, int32_t n) {
  std::set<TpKey> out;
  for (int32_t p = 0; p < n; ++p) out.emplace(topic, p);
  return out;
}

}  // namespace

TEST_CASE("consumer instances: a rewound fetch is fetched again, unless the positions moved since") {
  LogFixture f;
  f.topic("t", 2, 3);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"t"});
  auto first = a->fetch(*f.log, SIZE_MAX);
  REQUIRE_OK(first);
  CHECK(first->count == 6);
  CHECK(first->from == std::map<TpKey, int64_t>{{{"t", 0}, 0}, {{"t", 1}, 0}});
  a->rewind(*first);  // as after a failed auto-commit: nothing was delivered
  CHECK(fetched(*a, *f.log).size() == 6);
  // A fetch after the one being rewound moved on: the rewind leaves that partition alone.
  f.fill("t", 2, 1);
  auto second = a->fetch(*f.log, SIZE_MAX);
  REQUIRE_OK(second);
  CHECK(second->count == 2);
  f.fill("t", 2, 1);
  CHECK(fetched(*a, *f.log).size() == 2);
  a->rewind(*second);
  CHECK(fetched(*a, *f.log).empty());
}

TEST_CASE("consumer instances: a group splits the partitions and rebalances on join, unsubscribe and delete") {
  LogFixture f;
  f.topic("t", 4);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"t"});
  CHECK(a->partitions().size() == 4);
  auto b = joined(reg, "b", {"t"});
  check_split({a, b}, partitions_of("t", 4));
  CHECK(a->partitions().size() == 2);
  auto c = joined(reg, "c", {"t"});
  check_split({a, b, c}, partitions_of("t", 4));
  CHECK_FALSE(c->partitions().empty());
  REQUIRE_OK(reg.unsubscribe(*c));
  CHECK(c->partitions().empty());
  check_split({a, b}, partitions_of("t", 4));
  REQUIRE_OK(reg.remove("g", "a"));
  CHECK(a->partitions().empty());
  CHECK(b->partitions().size() == 4);
  CHECK(reg.remove("g", "a").code() == StatusCode::kNotFound);
  CHECK(reg.find("g", "a") == nullptr);
  // Another group is independent: it gets every partition too.
  auto other = reg.create("other", "a", true, false);
  REQUIRE_OK(other);
  REQUIRE_OK(reg.subscribe(**other, {"t"}));
  CHECK((*other)->partitions().size() == 4);
  CHECK(b->partitions().size() == 4);
  CHECK(reg.subscribe(*b, {"nope"}).code() == StatusCode::kNotFound);
  CHECK(b->topics() == std::vector<std::string>{"t"});
}

TEST_CASE("consumer instances: the generation changes when the group rebalances or the instance leaves") {
  LogFixture f;
  f.topic("t", 2);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"t"});
  const uint64_t alone = a->generation();
  CHECK(reg.find("g", "a") == a);  // a lookup is no rebalance
  CHECK(a->generation() == alone);
  auto b = joined(reg, "b", {"t"});
  const uint64_t shared = a->generation();
  CHECK(shared != alone);  // a gave a partition to b
  REQUIRE_OK(reg.remove("g", "b"));
  CHECK(a->generation() != shared);  // a gained b's partition back
  CHECK(a->partitions().size() == 2);
  const uint64_t before_leaving = a->generation();
  REQUIRE_OK(reg.remove("g", "a"));
  CHECK(a->generation() != before_leaving);  // a parked poll of a deleted instance wakes too
}

TEST_CASE("consumer instances: a partition that moves starts at the group's committed offset") {
  LogFixture f;
  f.topic("t", 2, 4);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"t"});
  CHECK(fetched(*a, *f.log).size() == 8);
  // a processed everything but committed only partition 1 up to offset 2: its progress beyond
  // is lost when partition 1 moves, so b reads 2 and 3 again. Partition 0 never committed: b
  // would start at auto.offset.reset, but it stays with a.
  f.commit("g", {"t", 1}, 2);
  auto b = joined(reg, "b", {"t"});
  REQUIRE(a->partitions() == std::vector<TpKey>{{"t", 0}});
  REQUIRE(b->partitions() == std::vector<TpKey>{{"t", 1}});
  CHECK(fetched(*b, *f.log) == std::vector<std::pair<int32_t, int64_t>>{{1, 2}, {1, 3}});
  CHECK(fetched(*a, *f.log).empty());
  f.fill("t", 2, 1);
  CHECK(fetched(*a, *f.log) == std::vector<std::pair<int32_t, int64_t>>{{0, 4}});
  CHECK(fetched(*b, *f.log) == std::vector<std::pair<int32_t, int64_t>>{{1, 4}});
  CHECK(b->consumed() == std::map<TpKey, int64_t>{{{"t", 1}, 5}});
  // b leaves without committing: a takes partition 1 back from the committed offset 2.
  REQUIRE_OK(reg.remove("g", "b"));
  CHECK(fetched(*a, *f.log) == std::vector<std::pair<int32_t, int64_t>>{{1, 2}, {1, 3}, {1, 4}});
}

TEST_CASE("consumer instances: members subscribed to different topics get only their topics") {
  LogFixture f;
  f.topic("x", 2);
  f.topic("y", 2);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"x"});
  auto b = joined(reg, "b", {"x", "y"});
  std::set<TpKey> all = partitions_of("x", 2);
  all.merge(partitions_of("y", 2));
  check_split({a, b}, all);
  for (const TpKey& tp : a->partitions()) CHECK(tp.first == "x");
  CHECK(b->partitions().size() == 3);
}

TEST_CASE("consumer instances: a topic recreated with more partitions is re-split on refresh") {
  LogFixture f;
  f.topic("t", 2);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"t"});
  auto b = joined(reg, "b", {"t"});
  check_split({a, b}, partitions_of("t", 2));
  REQUIRE_OK(f.log->delete_topic("t"));
  REQUIRE_OK(reg.refresh(*a));
  check_split({a, b}, {});
  REQUIRE_OK(f.log->create_topic("t", 6, {}));
  REQUIRE_OK(reg.refresh(*b));
  check_split({a, b}, partitions_of("t", 6));
  CHECK(a->partitions().size() == 3);
}

TEST_CASE("consumer instances: an idle instance expires and its partitions go to the others") {
  LogFixture f;
  f.topic("t", 4);
  // b stays active through refresh() (a fetch) far more often than the idle timeout; a does not.
  ConsumerInstances reg(*f.log, std::chrono::seconds(1));
  auto a = joined(reg, "a", {"t"});
  auto b = joined(reg, "b", {"t"});
  check_split({a, b}, partitions_of("t", 4));
  bool taken = test::wait_until([&] {
    REQUIRE_OK(reg.refresh(*b));
    return b->partitions().size() == 4;
  }, std::chrono::seconds(30));
  CHECK(taken);
  CHECK(a->partitions().empty());
  CHECK(reg.find("g", "a") == nullptr);
  CHECK(reg.refresh(*a).code() == StatusCode::kNotFound);
}

TEST_CASE("consumer instances: fetches run while members join and leave, and nothing is left out") {
  LogFixture f;
  f.topic("t", 4, 50);
  ConsumerInstances reg(*f.log, kLongIdle);
  auto a = joined(reg, "a", {"t"});
  std::atomic<bool> done{false};
  std::atomic<size_t> read{0};
  // a fetches (small batches) while b and c join and leave over and over.
  std::thread reader([&] {
    while (!done) {
      CHECK_OK(reg.refresh(*a));
      auto got = a->fetch(*f.log, 64);
      CHECK_OK(got);
      if (got.ok()) read += got->count;
    }
  });
  REQUIRE(test::wait_until([&] { return read > 0; }, std::chrono::seconds(30)));
  for (int round = 0; round < 50; ++round) {
    auto b = joined(reg, "b", {"t"});
    auto c = joined(reg, "c", {"t"});
    check_split({a, b, c}, partitions_of("t", 4));
    CHECK_OK(b->fetch(*f.log, 64));
    CHECK_OK(reg.remove("g", "b"));
    CHECK_OK(reg.unsubscribe(*c));
    CHECK_OK(reg.remove("g", "c"));
  }
  done = true;
  reader.join();
  // Nothing committed and earliest: a, owner of everything again, still reads the rest, and
  // nothing is left out once it has caught up.
  CHECK(a->partitions().size() == 4);
  CHECK(test::wait_until([&] { return fetched(*a, *f.log).empty(); }, std::chrono::seconds(30)));
  for (const auto& [tp, next] : a->consumed()) CHECK(next == 50);
}

}  // namespace orderstream::api
