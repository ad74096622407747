// TaskContext::scan: a key range over the snapshot with the step's own writes merged in.
#include <doctest/doctest.h>

#include <string>

#include "stream/driver_fixture.h"

using namespace orderstream;

namespace {

// Value "put:K=V" puts, "del:K" deletes, "scan:FROM:TO:N" emits the first N keys=values of the
// range [FROM, TO) as "k=v,k=v,".
class ScanProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    std::string v(*r.value);
    if (v.rfind("put:", 0) == 0) {
      size_t eq = v.find('=');
      ctx.put("s", v.substr(4, eq - 4), v.substr(eq + 1));
    } else if (v.rfind("del:", 0) == 0) {
      ctx.del("s", v.substr(4));
    } else {
      size_t a = v.find(':', 5), b = v.find(':', a + 1);
      std::string from = v.substr(5, a - 5), to = v.substr(a + 1, b - a - 1);
      int n = std::stoi(v.substr(b + 1));
      std::string out;
      OS_RETURN_IF_ERROR(ctx.scan("s", from, to, [&](std::string_view k, std::string_view val) {
        out += std::string(k) + "=" + std::string(val) + ",";
        return --n > 0;
      }));
      ctx.emit("out", "k", out, r.timestamp_ms);
    }
    return Status::ok();
  }
};

struct Fixture : test::DriverFixture {
  Fixture() : DriverFixture("os-stream-scan", {"in", "out"}) {
    start({{"scanner", "svc", {"in"}, {"s"}, test::new_processor_per_task<ScanProcessor>()}}, 1);
  }
  void pipe(const std::string& v, bool defer = true) { REQUIRE_OK(driver->pipe("in", "k", v, 1, defer)); }
  std::vector<std::string> out() {
    REQUIRE_OK(driver->advance());
    return values("out");
  }
};

}  // namespace

TEST_SUITE("stream") {
  TEST_CASE("scan merges the step's writes and deletes into the committed range, in key order") {
    Fixture f;
    for (const char* v : {"put:b=1", "put:d=1", "put:f=1"}) f.pipe(v);
    CHECK(f.out().empty());  // committed
    // One step: overwrite b, delete d, add a, c and g, then scan.
    for (const char* v : {"put:b=2", "del:d", "put:a=2", "put:c=2", "put:g=2", "scan:a::100",
                          "scan:b:f:100", "scan:a::3", "scan:c:c:100"})
      f.pipe(v);
    CHECK(f.out() == std::vector<std::string>{"a=2,b=2,c=2,f=1,g=2,", "b=2,c=2,", "a=2,b=2,c=2,", ""});
    // And after the commit, the same from the snapshot alone.
    f.pipe("scan:a::100");
    CHECK(f.out() == std::vector<std::string>{"a=2,b=2,c=2,f=1,g=2,"});
  }
}
