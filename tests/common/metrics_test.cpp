#include "common/metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace orderstream::metrics {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

TEST_SUITE("metrics") {
  TEST_CASE("same name and labels return the same object, in any label order") {
    Registry r;
    Counter& a = r.counter("x_total", "help", {{"a", "1"}, {"b", "2"}});
    Counter& b = r.counter("x_total", "help", {{"b", "2"}, {"a", "1"}});
    Counter& c = r.counter("x_total", "help", {{"a", "1"}, {"b", "3"}});
    CHECK(&a == &b);
    CHECK(&a != &c);
    CHECK(&r.gauge("g", "h") == &r.gauge("g", "h"));
    CHECK(&r.histogram("h_seconds", "h") == &r.histogram("h_seconds", "h"));
  }

  TEST_CASE("counters and gauges render with HELP and TYPE once per family") {
    Registry r;
    r.counter("requests_total", "Requests.", {{"code", "200"}}).inc(3);
    r.counter("requests_total", "Requests.", {{"code", "500"}}).inc();
    r.gauge("open", "Open things.").set(-7);
    r.gauge("open", "Open things.").add(2);
    std::string out = r.render();
    CHECK(occurrences(out, "# HELP requests_total Requests.\n") == 1);
    CHECK(occurrences(out, "# TYPE requests_total counter\n") == 1);
    CHECK(contains(out, "requests_total{code=\"200\"} 3\n"));
    CHECK(contains(out, "requests_total{code=\"500\"} 1\n"));
    CHECK(contains(out, "# TYPE open gauge\nopen -5\n"));
    // Families are sorted by name.
    CHECK(out.find("# HELP open") < out.find("# HELP requests_total"));
  }

  TEST_CASE("histograms render cumulative buckets, sum and count") {
    Registry r;
    Histogram& h = r.histogram("lat_seconds", "Latency.", {{"route", "/x"}}, {0.1, 1.0});
    h.observe(0.05);
    h.observe(0.1);  // le is inclusive
    h.observe(0.5);
    h.observe(20);
    CHECK(h.count() == 4);
    CHECK(h.sum() == doctest::Approx(20.65));
    std::string out = r.render();
    CHECK(contains(out, "# TYPE lat_seconds histogram\n"));
    CHECK(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"));
    CHECK(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"));
    CHECK(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"));
    CHECK(contains(out, "lat_seconds_sum{route=\"/x\"} 20.65\n"));
    CHECK(contains(out, "lat_seconds_count{route=\"/x\"} 4\n"));
  }

  TEST_CASE("default latency bounds run from 50us to 10s") {
    auto b = Registry::default_latency_bounds();
    REQUIRE(!b.empty());
    CHECK(b.front() == doctest::Approx(0.00005));
    CHECK(b.back() == doctest::Approx(10.0));
    Registry r;
    r.histogram("d_seconds", "d").observe(0.001);
    CHECK(contains(r.render(), "d_seconds_bucket{le=\"5e-05\"} 0\n"));
    CHECK(contains(r.render(), "d_seconds_bucket{le=\"0.001\"} 1\n"));
  }

  TEST_CASE("label values and help text are escaped") {
    Registry r;
    r.counter("esc_total", "a \\ help\nline", {{"v", "quote\" back\\slash\nnewline"}}).inc();
    std::string out = r.render();
    CHECK(contains(out, "# HELP esc_total a \\\\ help\\nline\n"));
    CHECK(contains(out, "esc_total{v=\"quote\\\" back\\\\slash\\nnewline\"} 1\n"));
  }

  TEST_CASE("gauge functions are evaluated at scrape time") {
    Registry r;
    double lag = 1.5;
    r.gauge_fn("consumer_lag", "Lag.", {{"group", "g"}}, [&] { return lag; });
    CHECK(contains(r.render(), "consumer_lag{group=\"g\"} 1.5\n"));
    lag = 42;
    CHECK(contains(r.render(), "consumer_lag{group=\"g\"} 42\n"));
  }

  TEST_CASE("concurrent increments from many threads are all counted") {
    Registry r;
    constexpr int kThreads = 8, kPerThread = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&r, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // Lookups race with each other and with render().
          r.counter("hits_total", "Hits.").inc();
          r.gauge("level", "Level.").add(1);
          r.histogram("obs_seconds", "Obs.", {{"t", std::to_string(t % 2)}}).observe(0.001);
          if (i % 5000 == 0) (void)r.render();
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(r.counter("hits_total", "Hits.").value() == uint64_t{kThreads} * kPerThread);
    CHECK(r.gauge("level", "Level.").value() == int64_t{kThreads} * kPerThread);
    uint64_t n = r.histogram("obs_seconds", "Obs.", {{"t", "0"}}).count() +
                 r.histogram("obs_seconds", "Obs.", {{"t", "1"}}).count();
    CHECK(n == uint64_t{kThreads} * kPerThread);
  }
}

}  // namespace
}  // namespace orderstream::metrics
