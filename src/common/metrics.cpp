#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <variant>

#include "common/check.h"

namespace orderstream::metrics {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };
const char* type_name(int t) {
  switch (t) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

bool valid_name(const std::string& s, bool allow_colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void append_escaped(std::string& out, const std::string& s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

// Canonical label order: sorted by name, so {a,b} and {b,a} are one series.
Labels canonical(const Labels& labels) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    OS_CHECK(valid_name(sorted[i].first, false) && sorted[i].first != "le");
    OS_CHECK(i == 0 || sorted[i - 1].first != sorted[i].first);
  }
  return sorted;
}

// `{a="x",b="y"}` (empty when there are no labels); `extra` is appended last (used for le=).
std::string render_labels(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k;
    out += "=\"";
    append_escaped(out, v, true);
    out += '"';
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    OS_CHECK(std::isfinite(bounds_[i]));
    OS_CHECK(i == 0 || bounds_[i - 1] < bounds_[i]);
  }
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double seconds) {
  // Bucket i counts observations in (bounds[i-1], bounds[i]]; the last one is +Inf.
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(seconds, std::memory_order_relaxed);
}

uint64_t Histogram::count() const {
  uint64_t n = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) n += buckets_[i].load(std::memory_order_relaxed);
  return n;
}

std::vector<uint64_t> Histogram::cumulative_buckets() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t n = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    n += buckets_[i].load(std::memory_order_relaxed);
    out[i] = n;
  }
  return out;
}

struct Registry::Family {
  std::string help;
  int type;
  std::vector<double> bounds;  // histograms only
  bool has_bounds = false;
  using Metric = std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>,
                              std::unique_ptr<Histogram>, std::function<double()>>;
  // Keyed by canonical labels so the output order is stable.
  std::map<Labels, Metric> series;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(const std::string& name, const std::string& help, int type) {
  OS_CHECK(valid_name(name, true));
  auto& f = families_[name];
  if (!f) {
    f = std::make_unique<Family>();
    f->help = help;
    f->type = type;
  }
  OS_CHECK(f->type == type);
  return *f;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  Labels key = canonical(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, kCounter).series[std::move(key)];
  if (slot.index() != 0 || !std::get<0>(slot)) slot = std::make_unique<Counter>();
  return *std::get<0>(slot);
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  Labels key = canonical(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, kGauge).series[std::move(key)];
  if (slot.index() != 1) {
    // A series of a gauge family is either a stored gauge or a function, never both.
    OS_CHECK(slot.index() == 0 && !std::get<0>(slot));
    slot = std::make_unique<Gauge>();
  }
  return *std::get<1>(slot);
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, std::vector<double> bounds) {
  Labels key = canonical(labels);
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = family(name, help, kHistogram);
  if (!f.has_bounds) {
    f.bounds = bounds;
    f.has_bounds = true;
  }
  OS_CHECK(f.bounds == bounds);
  auto& slot = f.series[std::move(key)];
  if (slot.index() != 2) slot = std::make_unique<Histogram>(std::move(bounds));
  return *std::get<2>(slot);
}

void Registry::gauge_fn(const std::string& name, const std::string& help, const Labels& labels,
                        std::function<double()> fn) {
  OS_CHECK(fn != nullptr);
  Labels key = canonical(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, kGauge).series[std::move(key)];
  OS_CHECK(slot.index() == 3 || (slot.index() == 0 && !std::get<0>(slot)));
  slot = std::move(fn);
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + ' ';
    append_escaped(out, f->help, false);
    out += "\n# TYPE " + name + ' ' + type_name(f->type) + '\n';
    for (const auto& [labels, metric] : f->series) {
      switch (metric.index()) {
        case 0:
          out += name + render_labels(labels) + ' ' + std::to_string(std::get<0>(metric)->value()) +
                 '\n';
          break;
        case 1:
          out += name + render_labels(labels) + ' ' + std::to_string(std::get<1>(metric)->value()) +
                 '\n';
          break;
        case 2: {
          const Histogram& h = *std::get<2>(metric);
          std::vector<uint64_t> cum = h.cumulative_buckets();
          for (size_t i = 0; i < cum.size(); ++i) {
            std::string le = i < h.bounds().size() ? format_double(h.bounds()[i]) : "+Inf";
            out += name + "_bucket" + render_labels(labels, "le=\"" + le + "\"") + ' ' +
                   std::to_string(cum[i]) + '\n';
          }
          out += name + "_sum" + render_labels(labels) + ' ' + format_double(h.sum()) + '\n';
          out += name + "_count" + render_labels(labels) + ' ' + std::to_string(cum.back()) + '\n';
          break;
        }
        case 3:
          out += name + render_labels(labels) + ' ' + format_double(std::get<3>(metric)()) + '\n';
          break;
      }
    }
  }
  return out;
}

std::vector<double> Registry::default_latency_bounds() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,    0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0};
}

}  // namespace orderstream::metrics
