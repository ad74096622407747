// The tallies of one `orderstream load` run and its summary on stdout. LoadTotals is shared by
// the load threads behind its mutex; print_summary runs once they have all joined.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace orderstream::cli {

// At most this many FAILED order ids are kept to look their failing checks up.
inline constexpr size_t kMaxFailedSample = 10000;

struct LoadTotals {
  std::mutex mu;
  std::vector<double> latency_ms;            // GUARDED_BY(mu): POST -> final, per final order
  std::map<std::string, int64_t> by_state;   // GUARDED_BY(mu): final states
  std::map<int, int64_t> post_status;        // GUARDED_BY(mu): POST /v1/orders (0: no answer)
  std::map<int, int64_t> get_status;         // GUARDED_BY(mu): GET /validated, after a 201
  std::map<int, int64_t> payment_status;     // GUARDED_BY(mu): POST /v1/payments, after a 201
  std::vector<std::string> failed_sample;    // GUARDED_BY(mu): the first FAILED order ids
  std::atomic<int64_t> done{0};              // orders handled, for the progress line
};

// Prints orders/s, the latency percentiles (only of orders that reached a final state), the
// counts by final state and the status codes of each kind of request. REQUIRES: no thread uses
// `t` any more. True when every request had a clean answer: POST 201, GET 200, payment 201.
bool print_summary(LoadTotals& t, double secs, bool payments);

}  // namespace orderstream::cli
