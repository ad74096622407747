#include "cli/load_report.h"

#include <algorithm>
#include <cstdio>

namespace orderstream::cli {
namespace {

double percentile(std::vector<double>& v, double p) {
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// "POST /v1/orders: 201=100 no-answer=2"; true if every answer was `clean`.
bool print_statuses(const char* what, const std::map<int, int64_t>& counts, int clean) {
  std::printf("%s:", what);
  if (counts.empty()) std::printf(" none");
  for (const auto& [s, n] : counts) {
    if (s == 0)
      std::printf(" no-answer=%lld", static_cast<long long>(n));
    else
      std::printf(" %d=%lld", s, static_cast<long long>(n));
  }
  std::printf("\n");
  return std::all_of(counts.begin(), counts.end(), [clean](const auto& c) { return c.first == clean; });
}

}  // namespace

bool print_summary(LoadTotals& t, double secs, bool payments) {
  std::lock_guard lock(t.mu);
  std::vector<double>& lat = t.latency_ms;
  const auto finals = static_cast<long long>(lat.size());
  const auto done = static_cast<long long>(t.done.load());
  // The rate is of orders that reached a final state: rejected ones are not throughput.
  if (finals == done)
    std::printf("orders: %lld in %.2f s = %.0f orders/s\n", done, secs, static_cast<double>(finals) / secs);
  else
    std::printf("orders: %lld in %.2f s, %lld reached a final state = %.0f orders/s\n", done, secs, finals,
                static_cast<double>(finals) / secs);
  if (lat.empty())
    std::printf("latency POST->final (ms): no order reached a final state\n");
  else
    std::printf("latency POST->final (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
                percentile(lat, 50), percentile(lat, 90), percentile(lat, 99), percentile(lat, 99.9),
                *std::max_element(lat.begin(), lat.end()));
  std::printf("final states:");
  if (t.by_state.empty()) std::printf(" none");
  for (const auto& [s, n] : t.by_state) std::printf(" %s=%lld", s.c_str(), static_cast<long long>(n));
  std::printf("\n");
  bool clean = print_statuses("POST /v1/orders", t.post_status, 201);
  clean = print_statuses("GET /validated", t.get_status, 200) && clean;
  if (payments) clean = print_statuses("POST /v1/payments", t.payment_status, 201) && clean;
  return clean;
}

}  // namespace orderstream::cli
