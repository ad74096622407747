#include "log/log.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "log/lmdb_env.h"
#include "log/test_util.h"

namespace orderstream::log {
namespace {

using test::KV;
using test::LogFixture;
using test::run_child;
using test::TempDir;
using test::tp_of;

Status open_status(const LogOptions& o) { return Log::open(o).status(); }

TEST_SUITE("log_open") {
  TEST_CASE("a missing directory is NotFound unless create_if_missing") {
    TempDir d("os-log");
    LogOptions o;
    o.dir = d.file("missing");
    CHECK(open_status(o).code() == StatusCode::kNotFound);
    o.read_only = true;
    CHECK(open_status(o).code() == StatusCode::kNotFound);
    o.read_only = false;
    o.create_if_missing = true;
    o.map_size_bytes = 64ull << 20;
    CHECK_OK(open_status(o));
    CHECK(std::filesystem::exists(d.file("missing/data.mdb")));
    o.create_if_missing = false;
    CHECK_OK(open_status(o));  // now it exists
  }

  TEST_CASE("an empty directory without a log is NotFound unless create_if_missing") {
    TempDir d("os-log");
    LogOptions o;
    o.dir = d.str();
    CHECK(open_status(o).code() == StatusCode::kNotFound);
  }

  TEST_CASE("a non-empty foreign directory is refused with InvalidArgument") {
    TempDir d("os-log");
    std::ofstream(d.file("notes.txt")) << "not a log";
    LogOptions o;
    o.dir = d.str();
    o.create_if_missing = true;
    CHECK(open_status(o).code() == StatusCode::kInvalidArgument);
    CHECK(!std::filesystem::exists(d.file("data.mdb")));
    // A plain file where the directory should be.
    o.dir = d.file("notes.txt");
    CHECK(open_status(o).code() == StatusCode::kInvalidArgument);
  }

  TEST_CASE("an LMDB environment without our marker is InvalidArgument and stays untouched") {
    TempDir d("os-log");
    {
      LmdbEnv env;
      REQUIRE_OK(env.open(d.str(), 16ull << 20, 8, false));
      LmdbTxn txn;
      REQUIRE_OK(txn.begin(env, false));
      auto dbi = txn.open_dbi("__meta", true);
      REQUIRE_OK(dbi);
      REQUIRE_OK(txn.put(*dbi, "format", "someone else 7"));
      REQUIRE_OK(txn.commit());
    }
    auto size_before = std::filesystem::file_size(d.file("data.mdb"));
    LogOptions o;
    o.dir = d.str();
    for (bool create : {false, true})
      for (bool ro : {false, true}) {
        o.create_if_missing = create;
        o.read_only = ro;
        Status st = open_status(o);
        CHECK_MESSAGE(st.code() == StatusCode::kInvalidArgument, st.to_string());
      }
    CHECK(std::filesystem::file_size(d.file("data.mdb")) == size_before);
  }

  TEST_CASE("an LMDB environment without any named database is InvalidArgument") {
    TempDir d("os-log");
    {
      LmdbEnv env;
      REQUIRE_OK(env.open(d.str(), 16ull << 20, 8, false));
      LmdbTxn txn;
      REQUIRE_OK(txn.begin(env, false));
      auto main_db = txn.open_dbi("", false);  // unnamed main database holding plain keys
      (void)main_db;
      REQUIRE_OK(txn.commit());
    }
    LogOptions o;
    o.dir = d.str();
    Status st = open_status(o);
    CHECK_MESSAGE(st.code() == StatusCode::kInvalidArgument, st.to_string());
  }

  TEST_CASE("a garbage data.mdb is an error, not a crash") {
    TempDir d("os-log");
    std::ofstream(d.file("data.mdb"), std::ios::binary) << std::string(16384, '\x5a');
    LogOptions o;
    o.dir = d.str();
    Status st = open_status(o);
    CHECK(!st.is_ok());
    MESSAGE(st.to_string());
  }

  TEST_CASE("a second writable open from another process gets Busy") {
    LogFixture f;
    f.create("t");
    LogOptions o = f.options;
    int code = run_child([&] {
      auto r = Log::open(o);
      if (r.ok()) return 1;
      if (r.status().code() != StatusCode::kBusy) return 2;
      if (r.status().message().find(std::to_string(::getppid())) == std::string::npos) return 3;
      return 0;
    });
    CHECK(code == 0);
    // The writer is unaffected.
    CHECK(f.append("t", 0, {{"k", "v"}}) == std::vector<Offset>{Offset(0)});
  }

  TEST_CASE("a read-only open in another process reads beside the live writer") {
    LogFixture f;
    f.create("t", 2);
    f.append("t", 1, {{"a", "1"}, {"b", "2"}});
    REQUIRE_OK(f.log->write([&](WriteTxn& w) { return w.put("s", "k", "v"); }));
    LogOptions o = f.options;
    o.read_only = true;
    o.create_if_missing = false;
    int code = run_child([&] {
      auto r = Log::open(o);
      if (!r.ok()) return 1;
      Log& log = **r;
      auto v = log.read_view();
      if (!v.ok()) return 2;
      auto rs = v->read(tp_of("t", 1), Offset(0), 100);
      if (!rs.ok() || rs->size() != 2 || (*rs)[1].value != "2") return 3;
      auto s = v->get("s", "k");
      if (!s.ok() || *s != std::optional<std::string_view>("v")) return 4;
      if (log.append("t", PartitionId(0), {}).status().code() != StatusCode::kInvalidArgument)
        return 5;
      if (log.create_topic("u", 1, {}).code() != StatusCode::kInvalidArgument) return 6;
      if (!log.sync().is_ok()) return 7;
      if (!log.verify([](auto&, auto, auto&) {}).is_ok()) return 8;
      return 0;
    });
    CHECK(code == 0);
    // The writer keeps going, and a second reader sees the new record.
    f.append("t", 1, {{"c", "3"}});
    code = run_child([&] {
      auto r = Log::open(o);
      if (!r.ok()) return 1;
      auto v = (*r)->read_view();
      auto rs = v->read(tp_of("t", 1), Offset(0), 100);
      return rs.ok() && rs->size() == 3 ? 0 : 2;
    });
    CHECK(code == 0);
  }

  TEST_CASE("a full map is a clean NoSpace, and a bigger map makes appends work again") {
    LogFixture f;
    f.options.map_size_bytes = 1ull << 20;
    REQUIRE_OK(f.reopen());
    f.create("t", 2);
    std::string value(700, 'v');
    int64_t batches = 0;
    Status st;
    for (int i = 0; i < 100000; ++i) {
      std::vector<KV> batch;
      for (int j = 0; j < 5; ++j) batch.push_back({"b" + std::to_string(i), value});
      auto r = f.try_append("t", PartitionId(i % 2), batch);
      if (!r.ok()) {
        st = r.status();
        break;
      }
      ++batches;
    }
    REQUIRE(st.code() == StatusCode::kNoSpace);
    MESSAGE(st.to_string() << " after " << batches << " batches");
    CHECK(st.message().find("map") != std::string::npos);
    // Everything committed before is readable, in whole batches, nothing of the failed one.
    int64_t records = 0;
    for (int p = 0; p < 2; ++p) {
      auto rs = f.read_all("t", p);
      CHECK(rs.size() % 5 == 0);
      CHECK(f.info("t", p).end == Offset(static_cast<int64_t>(rs.size())));
      records += static_cast<int64_t>(rs.size());
    }
    CHECK(records == batches * 5);
    // Small writes that fit may still succeed or fail cleanly; nothing is sticky.
    (void)f.try_append("t", PartitionId(0), {{"k", "tiny"}});
    CHECK_OK(f.log->sync());

    f.options.map_size_bytes = 64ull << 20;
    REQUIRE_OK(f.reopen());
    CHECK(f.log->failed_partitions().empty());
    for (int i = 0; i < 50; ++i) f.append("t", i % 2, {{"more", value}, {"more", value}});
    int64_t after = 0;
    for (int p = 0; p < 2; ++p) after += static_cast<int64_t>(f.read_all("t", p).size());
    CHECK(after >= records + 100);
  }

  TEST_CASE("reopening the same directory after close works repeatedly") {
    LogFixture f;
    f.create("t");
    for (int i = 0; i < 5; ++i) {
      f.append("t", 0, {{"k", std::to_string(i)}});
      REQUIRE_OK(f.reopen());
    }
    CHECK(f.read_all("t", 0).size() == 5);
  }
}

}  // namespace
}  // namespace orderstream::log
