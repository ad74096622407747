#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log/log.h"
#include "log/test_util.h"

namespace orderstream::log {
namespace {

const DatabaseStats* find(const DiskStats& s, const std::string& name) {
  for (const DatabaseStats& d : s.databases)
    if (d.name == name) return &d;
  return nullptr;
}

TEST_SUITE("log") {
  TEST_CASE("disk_stats counts every partition's and store's entries and pages, read-only only") {
    test::LogFixture f;
    f.create("t", 2);
    std::vector<test::KV> kvs;
    for (int i = 0; i < 300; ++i) kvs.push_back({"k" + std::to_string(i), std::string(200, 'x')});
    f.append("t", 1, kvs);
    REQUIRE_OK(f.log->write([](WriteTxn& w) { return w.put("st", "key", "value"); }));
    // A writer may be opening databases in other threads: the stats are for readers.
    CHECK(f.log->disk_stats().status().code() == StatusCode::kInvalidArgument);

    f.options.read_only = true;
    REQUIRE_OK(f.reopen());
    auto s = f.log->disk_stats();
    REQUIRE_OK(s);
    CHECK(s->page_size >= 4096);
    CHECK(s->file_bytes >= s->used_pages * s->page_size / 2);  // the file holds the pages in use
    REQUIRE(find(*s, "t/t/0") != nullptr);
    CHECK(find(*s, "t/t/0")->entries == 0);
    const DatabaseStats* p1 = find(*s, "t/t/1");
    REQUIRE(p1 != nullptr);
    CHECK(p1->entries == 300);
    CHECK(p1->depth >= 2);  // 60 KB of records: more than one leaf
    CHECK(p1->leaf_pages * s->page_size >= 300 * 200);
    REQUIRE(find(*s, "s/st") != nullptr);
    CHECK(find(*s, "s/st")->entries == 1);
    REQUIRE(find(*s, "(free)") != nullptr);
    CHECK(s->databases[0].name == "(free)");
    CHECK(s->databases[1].name == "(main)");
    uint64_t pages = 0;
    for (const DatabaseStats& d : s->databases) pages += d.pages();
    CHECK(pages <= s->used_pages);
  }
}

}  // namespace
}  // namespace orderstream::log
