// A tiny Prometheus metrics library: counters, gauges, histograms and scrape-time gauges, rendered
// in the text exposition format 0.0.4. Metric objects are lock-free (atomics) and safe from any
// thread; the Registry keeps its index behind one mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace orderstream::metrics {

// Label name/value pairs. Order does not matter: {a,b} and {b,a} name the same series.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Owned by its Registry; any thread.
class Counter {
 public:
  void inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// A value that goes up and down. Owned by its Registry; any thread.
class Gauge {
 public:
  void set(int64_t v) { v_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { v_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// A distribution of observations (seconds) over fixed upper bounds. Owned by its Registry; any
// thread. A scrape racing with observe() may see count and sum from slightly different instants.
class Histogram {
 public:
  // REQUIRES: bounds strictly increasing and finite.
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);
  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts, one per bound plus the final +Inf bucket (== count()).
  std::vector<uint64_t> cumulative_buckets() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0.0};
};

// Owns every metric; references it hands out stay valid for its lifetime. Thread-safe. Registering
// a name again with another type, or a histogram with other bounds, is a bug and aborts.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Same name+labels returns the same object. REQUIRES: valid Prometheus metric and label names.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = default_latency_bounds());
  // A gauge computed at scrape time (e.g. consumer lag). fn is called under the registry mutex from
  // the scraping thread, so it must not call back into this Registry. Registering the same
  // name+labels again replaces fn.
  void gauge_fn(const std::string& name, const std::string& help, const Labels& labels,
                std::function<double()> fn);

  // Prometheus text exposition format 0.0.4, families sorted by name.
  std::string render() const;

  // Seconds, 50us .. 10s.
  static std::vector<double> default_latency_bounds();

 private:
  struct Family;
  Family& family(const std::string& name, const std::string& help, int type);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;  // GUARDED_BY(mu_)
};

}  // namespace orderstream::metrics
