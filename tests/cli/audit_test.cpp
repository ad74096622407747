// `orderstream audit` through the real binary: exit codes, violation lines, summary, errors.
#include <doctest/doctest.h>

#include "cli/cli_fixture.h"
#include "log/log.h"
#include "log/partitioner.h"

using namespace orderstream;
using namespace orderstream::test;

namespace {

// A log the whole ecosystem ran on until every order was final.
void run_pipeline(CliFixture& f, int orders) {
  CliResult r = f.run_raw({"bench", "pipeline", "--orders", std::to_string(orders), "--partitions",
                           "3", "--data-dir", f.data_dir()});
  REQUIRE_MESSAGE(r.code == 0, r.err);
}

// The offset the next record appended to topic/partition gets.
int64_t end_offset(CliFixture& f, const std::string& topic, int32_t partition) {
  log::LogOptions o;
  o.dir = f.data_dir();
  o.read_only = true;
  auto log = log::Log::open(o);
  REQUIRE(log.ok());
  auto view = (*log)->read_view();
  REQUIRE(view.ok());
  auto info = view->partition_info({topic, PartitionId(partition)});
  REQUIRE(info.ok());
  return info->end.v;
}

std::string ghost_validation(const std::string& id) {
  return id + "\t{\"orderId\":\"" + id +
         "\",\"checkType\":\"FRAUD_CHECK\",\"validationResult\":\"PASS\"}\n";
}

}  // namespace

TEST_SUITE("cli audit") {
  TEST_CASE("audit of a pipeline run exits 0 and summarises what it checked") {
    CliFixture f;
    run_pipeline(f, 300);
    // bench pipeline stops once every order is final; groups may still lag behind the finals,
    // which is no violation without --expect-drained.
    CliResult r = f.run({"audit"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(contains(r.out, "audit OK: 0 violations; 300 orders (0 not final), 300 finals, 900 validations, 3 products"));
    CHECK_FALSE(contains(r.out, "VIOLATION"));
  }

  TEST_CASE("a planted violation is printed with topic, partition and offset and exits 1") {
    CliFixture f;
    run_pipeline(f, 50);
    int32_t p = log::partition_for_key("ghost", 3).v;
    int64_t at = end_offset(f, "order-validations", p);
    f.produce("order-validations", ghost_validation("ghost"), {"-K", "\t"});
    CliResult r = f.run({"audit"});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(contains(r.out, "VIOLATION validation-unknown-order topic=order-validations partition=" +
                              std::to_string(p) + " offset=" + std::to_string(at) +
                              ": FRAUD_CHECK PASS for order 'ghost'"));
    CHECK(contains(r.out, "audit FAILED: 1 violations;"));
  }

  TEST_CASE("--max-violations prints the first N and counts the rest") {
    CliFixture f;
    run_pipeline(f, 20);
    f.produce("order-validations", ghost_validation("g1") + ghost_validation("g2") + ghost_validation("g3"),
              {"-K", "\t"});
    CliResult r = f.run({"audit", "--max-violations", "1"});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(contains(r.out, "... 2 more violations not shown"));
    CHECK(contains(r.out, "audit FAILED: 3 violations;"));
  }

  TEST_CASE("--rules must name known checks, as for serve") {
    CliFixture f;
    run_pipeline(f, 10);
    CliResult r = f.run({"audit", "--rules", "INVENTORY_CHECK,NOPE"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "unknown rule 'NOPE'"));
    CliResult subset = f.run({"audit", "--rules", "INVENTORY_CHECK"});
    // Every order PASSed all three checks, so it also PASSed the one.
    CHECK_MESSAGE(subset.code == 0, subset.out << subset.err);
  }

  TEST_CASE("audit of a missing directory or a log the services never ran on fails clearly") {
    CliFixture f;
    CliResult missing = f.run({"audit"});
    CHECK(missing.code == 1);
    CHECK(contains(missing.err, "orderstream: error:"));
    f.create_topic("other");
    CliResult bare = f.run({"audit"});
    CHECK(bare.code == 1);
    CHECK(contains(bare.err, "no topic 'orders'"));
    CHECK(bare.out.empty());
  }

  TEST_CASE("audit takes bad flags as usage errors") {
    CliFixture f;
    CliResult r = f.run({"audit", "--max-violations", "many"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "orderstream: error:"));
  }
}
