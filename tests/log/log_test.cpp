#include "log/log.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "log/partitioner.h"
#include "log/test_util.h"

namespace orderstream::log {
namespace {

using namespace std::chrono_literals;
using test::KV;
using test::LogFixture;
using test::tp_of;

std::vector<std::string> names(const std::vector<TopicInfo>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.name);
  return out;
}

std::vector<int64_t> offsets_of(const std::vector<Record>& rs) {
  std::vector<int64_t> out;
  for (const auto& r : rs) out.push_back(r.offset.v);
  return out;
}

TEST_SUITE("log") {
  TEST_CASE("create_topic refuses partitions beyond LMDB's database handles, before creating anything") {
    LogFixture f;
    f.options.max_dbs = 400;  // 2 of the log's own, 256 kept for state stores: 142 for partitions
    REQUIRE_OK(f.reopen());
    f.create("a", 100);
    Status refused = f.log->create_topic("b", 50, {});
    CHECK(refused.code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(refused.message().find("holds 102 of its 400 LMDB databases") != std::string::npos, refused.message());
    CHECK_FALSE(f.log->topic("b").ok());
    f.create("c", 40);  // what is left fits
    // A deleted topic's databases stay open (emptied) until the log is reopened: they still
    // count, but a topic of the same name takes them over.
    REQUIRE_OK(f.log->delete_topic("a"));
    CHECK(f.log->create_topic("b", 50, {}).code() == StatusCode::kInvalidArgument);
    f.create("a", 100);
    REQUIRE_OK(f.log->delete_topic("a"));
    REQUIRE_OK(f.reopen());
    f.create("b", 50);
    CHECK(f.log->topic("b")->partitions == 50);
  }

  TEST_CASE("topics are created, listed, described, altered and deleted") {
    LogFixture f;
    TopicConfig compact;
    compact.cleanup_policy = CleanupPolicy::kCompact;
    f.create("orders", 3);
    f.create("customers", 1, compact);
    CHECK(names(f.log->topics()) == std::vector<std::string>{"customers", "orders"});
    auto t = f.log->topic("customers");
    REQUIRE_OK(t);
    CHECK(t->partitions == 1);
    CHECK(t->config == compact);

    CHECK(f.log->create_topic("orders", 3, {}).code() == StatusCode::kConflict);
    CHECK(f.log->create_topic("orders", 5, compact).code() == StatusCode::kConflict);
    CHECK(f.log->create_topic("bad name", 1, {}).code() == StatusCode::kInvalidArgument);
    CHECK(f.log->create_topic("zero", 0, {}).code() == StatusCode::kInvalidArgument);
    CHECK(f.log->create_topic("many", kMaxPartitions + 1, {}).code() ==
          StatusCode::kInvalidArgument);
    CHECK(f.log->topic("nope").status().code() == StatusCode::kNotFound);
    CHECK(f.log->delete_topic("nope").code() == StatusCode::kNotFound);
    CHECK(f.log->alter_topic("nope", {}).code() == StatusCode::kNotFound);

    TopicConfig changed;
    changed.retention_ms = 1000;
    CHECK_OK(f.log->alter_topic("orders", changed));
    CHECK(f.log->topic("orders")->config == changed);

    f.append("orders", 1, {{"k", "v"}});
    CHECK_OK(f.log->delete_topic("orders"));
    CHECK(names(f.log->topics()) == std::vector<std::string>{"customers"});
    CHECK(f.try_read_all("orders", 1).status().code() == StatusCode::kNotFound);

    // A recreated topic starts empty.
    f.create("orders", 2);
    CHECK(f.read_all("orders", 1).empty());
    CHECK(f.info("orders", 1).end == Offset(0));

    REQUIRE_OK(f.reopen());
    CHECK(names(f.log->topics()) == std::vector<std::string>{"customers", "orders"});
    CHECK(f.log->topic("orders")->partitions == 2);
    CHECK(f.log->topic("customers")->config == compact);
  }

  TEST_CASE("concurrent creates of one topic: exactly one wins, the others get Conflict") {
    LogFixture f;
    std::atomic<int> ok{0}, conflicts{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
      ts.emplace_back([&] {
        Status st = f.log->create_topic("race", 2, {});
        if (st.is_ok()) ++ok;
        if (st.code() == StatusCode::kConflict) ++conflicts;
      });
    for (auto& t : ts) t.join();
    CHECK(ok == 1);
    CHECK(conflicts == 3);
  }

  TEST_CASE("concurrent deletes of one topic: exactly one wins, the others get NotFound") {
    LogFixture f;
    f.create("gone", 3);
    f.create("stays", 1);
    std::atomic<int> ok{0}, not_found{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
      ts.emplace_back([&] {
        Status st = f.log->delete_topic("gone");
        if (st.is_ok()) ++ok;
        if (st.code() == StatusCode::kNotFound) ++not_found;
      });
    for (auto& t : ts) t.join();
    CHECK(ok == 1);
    CHECK(not_found == 3);
    f.append("stays", 0, {{"k", "v"}});
    REQUIRE_OK(f.reopen());
    CHECK(names(f.log->topics()) == std::vector<std::string>{"stays"});
  }

  TEST_CASE("altering a topic while others append and list it is safe") {
    LogFixture f;
    f.create("t", 2);
    std::atomic<bool> stop{false};
    std::thread appender([&] {
      while (!stop) (void)f.try_append("t", std::nullopt, {{std::nullopt, "v"}, {"k", "v"}});
    });
    std::thread lister([&] {
      while (!stop) {
        for (const TopicInfo& t : f.log->topics()) CHECK(t.partitions == 2);
        (void)f.log->topic("t");
      }
    });
    for (int i = 0; i < 200; ++i) {
      TopicConfig c;
      c.retention_ms = i;
      c.cleanup_policy = i % 2 ? CleanupPolicy::kCompact : CleanupPolicy::kDelete;
      CHECK_OK(f.log->alter_topic("t", c));
    }
    stop = true;
    appender.join();
    lister.join();
    CHECK(f.log->topic("t")->config.retention_ms == 199);
  }

  TEST_CASE("a waiter that looks for a new topic after being woken finds it") {
    LogFixture f;
    std::atomic<bool> found{false};
    std::thread waiter([&] {
      uint64_t seen = f.log->version();
      auto end = std::chrono::steady_clock::now() + 30s;
      while (std::chrono::steady_clock::now() < end) {
        if (f.log->topic("late").ok()) {
          found = true;
          return;
        }
        seen = f.log->wait_for_change(seen, 30s);
      }
    });
    f.create("late");
    waiter.join();
    CHECK(found);
  }

  TEST_CASE("failing writes among concurrent ones take nothing else down with them") {
    LogFixture f;
    f.create("t", 2);
    f.create("doomed", 2);
    std::atomic<int> ok{0}, failed{0}, odd{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 6; ++i)
      ts.emplace_back([&, i] {
        for (int j = 0; j < 40; ++j) {
          if (i == 0 && j == 20) {
            if (!f.log->delete_topic("doomed").is_ok()) ++odd;
            continue;
          }
          bool fail = (i + j) % 3 == 0;
          Status st = f.log->write([&](WriteTxn& w) {
            OS_RETURN_IF_ERROR(w.append(tp_of("t", i % 2), RecordData{"k", "v", kNowTimestamp, {}}).status());
            OS_RETURN_IF_ERROR(w.put("s", std::to_string(i) + "/" + std::to_string(j), "x"));
            return fail ? aborted("planned") : Status::ok();
          });
          if (st.is_ok() && !fail) ++ok;
          else if (st.code() == StatusCode::kAborted && fail) ++failed;
          else ++odd;
        }
      });
    for (auto& t : ts) t.join();
    CHECK(odd == 0);
    size_t records = f.read_all("t", 0).size() + f.read_all("t", 1).size();
    CHECK(records == static_cast<size_t>(ok.load()));
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    int keys = 0;
    REQUIRE_OK(v->scan_store("s", "", [&](auto, auto) { return ++keys, true; }));
    CHECK(keys == ok);
    CHECK(f.log->topic("doomed").status().code() == StatusCode::kNotFound);
    f.create("doomed", 1);
    CHECK(f.append("doomed", 0, {{"k", "v"}}) == std::vector<Offset>{Offset(0)});
    REQUIRE_OK(f.reopen());
    CHECK(f.read_all("doomed", 0).size() == 1);
    CHECK_OK(f.log->verify([](auto&, auto, auto&) {}));
  }

  TEST_CASE("appends get consecutive offsets per partition and read back in ranges") {
    LogFixture f;
    f.create("t", 2);
    auto a = f.append("t", 0, {{"a", "1"}, {"b", "2"}, {std::nullopt, "3"}});
    auto b = f.append("t", 1, {{"x", "9"}});
    auto c = f.append("t", 0, {{"c", std::nullopt, 42}});
    CHECK(a == std::vector<Offset>{Offset(0), Offset(1), Offset(2)});
    CHECK(b == std::vector<Offset>{Offset(0)});
    CHECK(c == std::vector<Offset>{Offset(3)});

    auto all = f.read_all("t", 0);
    REQUIRE(all.size() == 4);
    CHECK(offsets_of(all) == std::vector<int64_t>{0, 1, 2, 3});
    CHECK(all[0].key == "a");
    CHECK(all[0].value == "1");
    CHECK(!all[2].key);
    CHECK(!all[3].value);
    CHECK(all[3].timestamp_ms == 42);
    CHECK(all[0].timestamp_ms > 1600000000000);  // stamped with the append time

    CHECK(offsets_of(f.read_all("t", 0, Offset(2))) == std::vector<int64_t>{2, 3});
    CHECK(f.read_all("t", 0, Offset(4)).empty());
    CHECK(f.read_all("t", 0, Offset(100)).empty());

    PartitionInfo i = f.info("t", 0);
    CHECK(i.start == Offset(0));
    CHECK(i.end == Offset(4));
    CHECK(i.count == 4);
    CHECK(i.bytes > 0);
    CHECK(f.try_read_all("t", 2).status().code() == StatusCode::kNotFound);
    CHECK(f.try_read_all("t", -1).status().code() == StatusCode::kNotFound);
    CHECK(f.try_append("t", PartitionId(2), {{"k", "v"}}).status().code() ==
          StatusCode::kNotFound);
    CHECK(f.try_append("nope", PartitionId(0), {{"k", "v"}}).status().code() ==
          StatusCode::kNotFound);
    CHECK(f.log->appended_records() == 5);
  }

  TEST_CASE("headers survive an append") {
    LogFixture f;
    f.create("t");
    std::vector<Header> hs{{"trace", "1"}, {"empty", std::nullopt}};
    RecordData r;
    r.key = "k";
    r.value = "v";
    r.headers = hs;
    REQUIRE_OK(f.log->append("t", PartitionId(0), std::span(&r, 1)));
    auto all = f.read_all("t", 0);
    REQUIRE(all.size() == 1);
    CHECK(all[0].headers == hs);
  }

  TEST_CASE("a record over the size limit is InvalidArgument and nothing is written") {
    LogFixture f;
    f.create("t");
    std::string big((64u << 20) + 1, 'x');
    auto r = f.try_append("t", PartitionId(0), {{"k", "small"}, {"k", big}});
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(f.read_all("t", 0).empty());
  }

  TEST_CASE("scan stops when fn returns false and after max_records") {
    LogFixture f;
    f.create("t");
    std::vector<KV> kvs;
    for (int i = 0; i < 10; ++i) kvs.push_back({"k" + std::to_string(i), "v"});
    f.append("t", 0, kvs);
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    std::vector<int64_t> seen;
    auto next = v->scan(tp_of("t"), Offset(2), 100, [&](const RecordView& r) {
      seen.push_back(r.offset.v);
      return r.offset.v < 4;
    });
    REQUIRE_OK(next);
    CHECK(seen == std::vector<int64_t>{2, 3, 4});
    CHECK(*next == Offset(5));
    seen.clear();
    next = v->scan(tp_of("t"), Offset(5), 3, [&](const RecordView& r) {
      seen.push_back(r.offset.v);
      return true;
    });
    REQUIRE_OK(next);
    CHECK(seen == std::vector<int64_t>{5, 6, 7});
    CHECK(*next == Offset(8));
    next = v->scan(tp_of("t"), Offset(3), 0, [&](const RecordView&) { return true; });
    REQUIRE_OK(next);
    CHECK(*next == Offset(3));
    next = v->scan(tp_of("t"), Offset(10), 5, [&](const RecordView&) { return true; });
    REQUIRE_OK(next);
    CHECK(*next == Offset(10));
  }

  TEST_CASE("a LogAppendTime topic stamps every record with the append time, whatever it was given") {
    LogFixture f;
    TopicConfig config;
    config.timestamp_type = TimestampType::kLogAppendTime;
    f.create("stamped", 1, config);
    f.create("kept", 1);
    f.append("stamped", 0, {{"a", "1", 42}});
    f.append("kept", 0, {{"a", "1", 42}});
    auto stamped = f.read_all("stamped", 0);
    REQUIRE(stamped.size() == 1);
    CHECK(stamped[0].timestamp_ms > 1600000000000);
    CHECK(f.read_all("kept", 0)[0].timestamp_ms == 42);
    // Altering the config takes effect for the next append.
    TopicConfig create_time;
    REQUIRE_OK(f.log->alter_topic("stamped", create_time));
    f.append("stamped", 0, {{"b", "2", 43}});
    CHECK(f.read_all("stamped", 0)[1].timestamp_ms == 43);
  }

  TEST_CASE("offset_for_time finds the first record at or after a timestamp") {
    LogFixture f;
    f.create("t");
    f.append("t", 0, {{"a", "1", 100}, {"b", "2", 200}, {"c", "3", 200}, {"d", "4", 300}});
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    auto at = [&](int64_t ts) {
      auto r = v->offset_for_time(tp_of("t"), ts);
      REQUIRE_OK(r);
      return r->v;
    };
    CHECK(at(0) == 0);
    CHECK(at(100) == 0);
    CHECK(at(101) == 1);
    CHECK(at(200) == 1);
    CHECK(at(300) == 3);
    CHECK(at(301) == 4);  // none: the end offset
  }

  TEST_CASE("partition_for uses murmur2 for keys and round robin for null keys") {
    LogFixture f;
    f.create("t", 5);
    std::vector<KV> kvs;
    for (int i = 0; i < 50; ++i) kvs.push_back({"key-" + std::to_string(i), "v"});
    auto r = f.try_append("t", std::nullopt, kvs);
    REQUIRE_OK(r);
    for (int p = 0; p < 5; ++p)
      for (const Record& rec : f.read_all("t", p))
        CHECK(partition_for_key(*rec.key, 5) == PartitionId(p));

    std::vector<KV> nulls(10, KV{std::nullopt, "v"});
    int64_t before = 0;
    for (int p = 0; p < 5; ++p) before += static_cast<int64_t>(f.read_all("t", p).size());
    REQUIRE_OK(f.try_append("t", std::nullopt, nulls));
    for (int p = 0; p < 5; ++p) {
      int nulls_here = 0;
      for (const Record& rec : f.read_all("t", p)) nulls_here += rec.key ? 0 : 1;
      CHECK_MESSAGE(nulls_here == 2, "partition " << p);
    }
    (void)before;
  }

  TEST_CASE("a write whose fn fails leaves nothing behind") {
    LogFixture f;
    f.create("t", 2);
    f.append("t", 0, {{"k", "before"}});
    int64_t before_bytes = f.info("t", 0).bytes;
    Status st = f.log->write([&](WriteTxn& w) {
      REQUIRE_OK(w.append(tp_of("t", 0), RecordData{"k", "lost", kNowTimestamp, {}}));
      REQUIRE_OK(w.append(tp_of("t", 1), RecordData{"k", "lost", kNowTimestamp, {}}));
      REQUIRE_OK(w.commit_offset("g", tp_of("t", 0), Offset(1)));
      REQUIRE_OK(w.put("store", "k", "lost"));
      // Inside the txn its own writes are visible.
      auto got = w.get("store", "k");
      REQUIRE_OK(got);
      CHECK(*got == std::optional<std::string_view>("lost"));
      return aborted("changed my mind");
    });
    CHECK(st.code() == StatusCode::kAborted);
    CHECK(f.read_all("t", 0).size() == 1);
    CHECK(f.read_all("t", 1).empty());
    CHECK(f.info("t", 0).end == Offset(1));
    CHECK(f.info("t", 0).bytes == before_bytes);
    CHECK(f.info("t", 1).end == Offset(0));
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    CHECK(*v->committed("g", tp_of("t", 0)) == std::nullopt);
    CHECK(*v->get("store", "k") == std::nullopt);
    // The next append continues from the committed end, not the aborted one.
    CHECK(f.append("t", 0, {{"k", "after"}}) == std::vector<Offset>{Offset(1)});
    CHECK(f.append("t", 1, {{"k", "after"}}) == std::vector<Offset>{Offset(0)});
  }

  TEST_CASE("an append with one bad record appends none of the batch") {
    LogFixture f;
    f.create("t", 1);
    auto r = f.try_append("t", std::nullopt, {{"k", "v"}});
    REQUIRE_OK(r);
    std::vector<RecordData> rs(2);
    rs[0].key = "a";
    rs[1].key = "b";
    CHECK(f.log->append("t", PartitionId(3), rs).status().code() == StatusCode::kNotFound);
    CHECK(f.read_all("t", 0).size() == 1);
  }

  TEST_CASE("group offsets are committed, read and listed, atomically with appends") {
    LogFixture f;
    f.create("in", 2);
    f.create("out", 1);
    f.append("in", 0, {{"a", "1"}, {"b", "2"}});
    REQUIRE_OK(f.log->write([&](WriteTxn& w) {
      OS_RETURN_IF_ERROR(w.append(tp_of("out"), RecordData{"a", "done", kNowTimestamp, {}}).status());
      OS_RETURN_IF_ERROR(w.commit_offset("svc", tp_of("in", 0), Offset(2)));
      OS_RETURN_IF_ERROR(w.commit_offset("svc", tp_of("in", 1), Offset(0)));
      return w.commit_offset("other", tp_of("in", 0), Offset(1));
    }));
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    CHECK(*v->committed("svc", tp_of("in", 0)) == std::optional(Offset(2)));
    CHECK(*v->committed("other", tp_of("in", 0)) == std::optional(Offset(1)));
    CHECK(*v->committed("svc", tp_of("out")) == std::nullopt);
    CHECK(*v->committed("sv", tp_of("in", 0)) == std::nullopt);
    CHECK(f.read_all("out", 0).size() == 1);

    auto all = v->group_offsets(std::nullopt);
    REQUIRE_OK(all);
    CHECK(all->size() == 3);
    auto svc = v->group_offsets("svc");
    REQUIRE_OK(svc);
    REQUIRE(svc->size() == 2);
    CHECK((*svc)[0].tp == tp_of("in", 0));
    CHECK((*svc)[0].offset == Offset(2));
    CHECK((*svc)[1].tp == tp_of("in", 1));
    auto none = v->group_offsets("nobody");
    REQUIRE_OK(none);
    CHECK(none->empty());

    CHECK(f.log->write([&](WriteTxn& w) {
      return w.commit_offset("", tp_of("in", 0), Offset(1));
    }).code() == StatusCode::kInvalidArgument);
    CHECK(f.log->write([&](WriteTxn& w) {
      return w.commit_offset("g", tp_of("nope", 0), Offset(1));
    }).code() == StatusCode::kNotFound);

    REQUIRE_OK(f.log->write([&](WriteTxn& w) { return w.delete_offset("other", tp_of("in", 0)); }));
    v = f.log->read_view();
    REQUIRE_OK(v);
    CHECK(*v->committed("other", tp_of("in", 0)) == std::nullopt);

    // Deleting a topic removes every group's offsets for it.
    CHECK_OK(f.log->delete_topic("in"));
    v = f.log->read_view();
    REQUIRE_OK(v);
    CHECK(v->group_offsets(std::nullopt)->empty());
  }

  TEST_CASE("state stores are isolated: put, get, del, scan_store and clear_store") {
    LogFixture f;
    REQUIRE_OK(f.log->write([&](WriteTxn& w) {
      for (const char* k : {"a", "b", "c"}) {
        OS_RETURN_IF_ERROR(w.put("s1", k, std::string("one-") + k));
        OS_RETURN_IF_ERROR(w.put("s2", k, std::string("two-") + k));
      }
      OS_RETURN_IF_ERROR(w.put("s", "x", "prefix-store"));  // "s" is a prefix of "s1"
      OS_RETURN_IF_ERROR(w.put("s1", "", "empty key"));
      return w.put("s1", "zero", "");
    }));
    auto scan = [&](const std::string& store, const std::string& from) {
      std::vector<std::pair<std::string, std::string>> out;
      auto v = f.log->read_view();
      REQUIRE_OK(v);
      REQUIRE_OK(v->scan_store(store, from, [&](std::string_view k, std::string_view val) {
        out.emplace_back(k, val);
        return true;
      }));
      return out;
    };
    using P = std::vector<std::pair<std::string, std::string>>;
    CHECK(scan("s1", "") == P{{"", "empty key"}, {"a", "one-a"}, {"b", "one-b"}, {"c", "one-c"},
                              {"zero", ""}});
    CHECK(scan("s1", "b") == P{{"b", "one-b"}, {"c", "one-c"}, {"zero", ""}});
    CHECK(scan("s", "") == P{{"x", "prefix-store"}});
    CHECK(scan("none", "").empty());
    {
      auto v = f.log->read_view();
      REQUIRE_OK(v);
      CHECK(*v->get("s2", "a") == std::optional<std::string_view>("two-a"));
      CHECK(*v->get("s1", "zero") == std::optional<std::string_view>(""));
      CHECK(*v->get("s3", "a") == std::nullopt);
      CHECK(v->get("s1", std::string(ReadView::kMaxStoreKeyBytes + 1, 'k')).status().code() ==
            StatusCode::kInvalidArgument);
      int visited = 0;
      REQUIRE_OK(v->scan_store("s1", "", [&](std::string_view, std::string_view) {
        return ++visited < 2;
      }));
      CHECK(visited == 2);
    }
    REQUIRE_OK(f.log->write([&](WriteTxn& w) {
      OS_RETURN_IF_ERROR(w.del("s2", "b"));
      OS_RETURN_IF_ERROR(w.del("s2", "missing"));
      return w.clear_store("s1");
    }));
    CHECK(scan("s1", "").empty());
    CHECK(scan("s2", "") == P{{"a", "two-a"}, {"c", "two-c"}});
    CHECK(scan("s", "") == P{{"x", "prefix-store"}});
    CHECK(f.log->write([&](WriteTxn& w) {
      return w.put("s", std::string(ReadView::kMaxStoreKeyBytes + 1, 'k'), "v");
    }).code() == StatusCode::kInvalidArgument);
  }

  TEST_CASE("clear_store removes many keys across LMDB pages") {
    LogFixture f;
    REQUIRE_OK(f.log->write([&](WriteTxn& w) {
      for (int i = 0; i < 5000; ++i) {
        OS_RETURN_IF_ERROR(w.put("big", "key-" + std::to_string(i), std::string(100, 'v')));
        if (i % 10 == 0) OS_RETURN_IF_ERROR(w.put("keep", std::to_string(i), "x"));
      }
      return Status::ok();
    }));
    REQUIRE_OK(f.log->write([&](WriteTxn& w) { return w.clear_store("big"); }));
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    int big = 0, keep = 0;
    REQUIRE_OK(v->scan_store("big", "", [&](auto, auto) { return ++big, true; }));
    REQUIRE_OK(v->scan_store("keep", "", [&](auto, auto) { return ++keep, true; }));
    CHECK(big == 0);
    CHECK(keep == 500);
  }

  TEST_CASE("a read view is a snapshot") {
    LogFixture f;
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    f.append("t", 0, {{"b", "2"}});
    auto rs = v->read(tp_of("t"), Offset(0), 100);
    REQUIRE_OK(rs);
    CHECK(rs->size() == 1);
    CHECK(v->partition_info(tp_of("t"))->end == Offset(1));
    CHECK(f.read_all("t", 0).size() == 2);
  }

  TEST_CASE("a thread blocked in wait_for_change is woken by an append from another thread") {
    LogFixture f;
    f.create("t");
    uint64_t seen = f.log->version();
    std::atomic<bool> woke{false};
    std::atomic<uint64_t> got{0};
    auto start = std::chrono::steady_clock::now();
    std::thread waiter([&] {
      got = f.log->wait_for_change(seen, 30s);
      woke = true;
    });
    std::thread writer([&] { f.append("t", 0, {{"k", "v"}}); });
    writer.join();
    waiter.join();
    CHECK(woke);
    CHECK(got != seen);
    CHECK(std::chrono::steady_clock::now() - start < 20s);
    // A version already past `seen` returns at once; an unchanged one times out.
    CHECK(f.log->wait_for_change(seen, 30s) == f.log->version());
    CHECK(f.log->wait_for_change(f.log->version(), 1ms) == f.log->version());
  }

  TEST_CASE("shutdown wakes every waiter and later waits return at once") {
    LogFixture f;
    uint64_t seen = f.log->version();
    std::atomic<int> woke{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 3; ++i)
      ts.emplace_back([&] {
        (void)f.log->wait_for_change(seen, 60s);
        ++woke;
      });
    f.log->shutdown();
    for (auto& t : ts) t.join();
    CHECK(woke == 3);
    CHECK(f.log->is_shut_down());
    auto start = std::chrono::steady_clock::now();
    (void)f.log->wait_for_change(seen, 60s);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    f.log->shutdown();  // idempotent
  }

  TEST_CASE("sync from many threads concurrently returns OK while others append") {
    LogFixture f;
    f.create("t", 4);
    std::atomic<int> failures{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 8; ++i)
      ts.emplace_back([&, i] {
        for (int j = 0; j < 20; ++j) {
          if (i % 2 == 0) {
            auto r = f.try_append("t", PartitionId(i / 2), {{"k", "v"}});
            if (!r.ok()) ++failures;
          }
          if (!f.log->sync().is_ok()) ++failures;
        }
      });
    for (auto& t : ts) t.join();
    CHECK(failures == 0);
    for (int p = 0; p < 4; ++p) CHECK(f.read_all("t", p).size() == 20);
  }

  TEST_CASE("concurrent appenders and readers see consecutive offsets") {
    LogFixture f;
    f.create("t", 2);
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
      ts.emplace_back([&, i] {
        for (int j = 0; j < 50; ++j) f.append("t", i % 2, {{std::to_string(i), std::to_string(j)}});
      });
    std::atomic<bool> stop{false};
    std::thread reader([&] {
      while (!stop) {
        auto rs = f.try_read_all("t", 0);
        REQUIRE_OK(rs);
        for (size_t k = 0; k < rs->size(); ++k) REQUIRE((*rs)[k].offset == Offset(static_cast<int64_t>(k)));
      }
    });
    for (auto& t : ts) t.join();
    stop = true;
    reader.join();
    CHECK(offsets_of(f.read_all("t", 1)).size() == 100);
    CHECK(f.info("t", 0).end == Offset(100));
  }

  TEST_CASE("reopen keeps topics, records, offsets, group offsets and state") {
    LogFixture f;
    TopicConfig c;
    c.retention_bytes = 12345;
    f.create("t", 2, c);
    f.append("t", 1, {{"a", "1"}, {std::nullopt, std::nullopt, 7}});
    REQUIRE_OK(f.log->write([&](WriteTxn& w) {
      OS_RETURN_IF_ERROR(w.commit_offset("g", tp_of("t", 1), Offset(1)));
      return w.put("st", "k", "v");
    }));
    auto before = f.read_all("t", 1);
    PartitionInfo info = f.info("t", 1);
    REQUIRE_OK(f.log->sync());
    REQUIRE_OK(f.reopen());
    CHECK(f.log->topic("t")->config == c);
    CHECK(f.read_all("t", 1) == before);
    PartitionInfo again = f.info("t", 1);
    CHECK(again.end == info.end);
    CHECK(again.count == info.count);
    CHECK(again.bytes == info.bytes);
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    CHECK(*v->committed("g", tp_of("t", 1)) == std::optional(Offset(1)));
    CHECK(*v->get("st", "k") == std::optional<std::string_view>("v"));
    CHECK(f.log->failed_partitions().empty());
    CHECK(f.append("t", 1, {{"b", "2"}}) == std::vector<Offset>{Offset(2)});
    CHECK_OK(f.log->verify([](const TopicPartition& tp, Offset o, const Status& st) {
      FAIL("unexpected problem " << tp.to_string() << "@" << o.v << ": " << st.to_string());
    }));
  }
}

}  // namespace
}  // namespace orderstream::log
