// `orderstream load`: the reference's order generator, concurrent. Each of C workers POSTs an
// order (random customer and product, quantity 1, price 1.0), with --payments a payment for it,
// then waits on /validated; the latency is from the order's POST to its final state. Customers
// can be posted first (--customers-file, --demo-customers). Live progress on stderr, a summary
// on stdout.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "cli/load_client.h"
#include "cli/load_setup.h"
#include "cli/service_commands.h"

namespace orderstream::cli {
namespace {

namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

struct LoadOptions {
  std::string url = "http://127.0.0.1:8080";
  int64_t orders = 1000;
  int concurrency = 16;
  double rate = 0;  // orders/s overall; 0 = as fast as possible
  int64_t customers = 9;
  std::vector<std::string> products{"JUMPERS", "UNDERPANTS", "STOCKINGS"};
  int64_t stock = -1;  // if >= 0: PUT this stock for every product first
  int timeout_ms = 30000;
  uint64_t seed = 0;  // 0 = from the clock
  bool payments = false;        // POST a payment for each accepted order
  std::string customers_file;   // POST these customers first
  bool demo_customers = false;  // POST the reference's demo customers 1..9 first
};

struct Totals {
  std::mutex mu;
  std::vector<double> latency_ms;           // GUARDED_BY(mu)
  std::map<std::string, int64_t> by_state;  // GUARDED_BY(mu)
  std::map<int, int64_t> by_status;         // GUARDED_BY(mu)
  std::map<int, int64_t> payments_by_status;  // GUARDED_BY(mu)
  std::atomic<int64_t> done{0};
};

std::string final_state(const std::string& body) {
  for (const char* s : {"VALIDATED", "FAILED", "CREATED", "SHIPPED"})
    if (body.find(std::string("\"state\":\"") + s + "\"") != std::string::npos) return s;
  return "UNKNOWN";
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

void worker(const LoadOptions& o, const std::string& host, const std::string& port,
            const std::string& run_id, int index, std::atomic<int64_t>* next, Totals* t,
            Clock::time_point start) {
  LoadClient client(host, port);
  std::mt19937_64 rng(o.seed + static_cast<uint64_t>(index) * 7919);
  while (!stop_requested()) {
    int64_t n = next->fetch_add(1);
    if (n >= o.orders) return;
    if (o.rate > 0) {
      // Open-loop pacing: order n is due at start + n/rate.
      auto due = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(static_cast<double>(n) / o.rate));
      std::this_thread::sleep_until(due);
    }
    std::string id = run_id + "-" + std::to_string(n);
    int64_t customer = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(o.customers));
    const std::string& product = o.products[rng() % o.products.size()];
    std::string body = "{\"id\":\"" + id + "\",\"customerId\":" + std::to_string(customer) +
                       ",\"state\":\"CREATED\",\"product\":\"" + product +
                       "\",\"quantity\":1,\"price\":1.0}";
    auto t0 = Clock::now();
    HttpReply post = client.request(bhttp::verb::post, "/v1/orders", body);
    HttpReply paid{0, ""};
    if (post.status == 201 && o.payments)
      paid = client.request(bhttp::verb::post, "/v1/payments",
                            "{\"id\":\"" + id + "-pay\",\"orderId\":\"" + id +
                                "\",\"ccy\":\"EUR\",\"amount\":1.0}");
    HttpReply got{0, ""};
    if (post.status == 201)
      got = client.request(bhttp::verb::get,
                           "/v1/orders/" + id + "/validated?timeout=" + std::to_string(o.timeout_ms), "");
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::lock_guard lock(t->mu);
    t->by_status[post.status == 201 ? got.status : post.status]++;
    if (post.status == 201 && o.payments) t->payments_by_status[paid.status]++;
    if (post.status == 201 && got.status == 200) {
      t->latency_ms.push_back(ms);
      t->by_state[final_state(got.body)]++;
    } else if (post.status != 201 && t->by_status[post.status] <= 3) {
      std::fprintf(stderr, "orderstream: load: POST answered %d: %s\n", post.status, post.body.c_str());
    }
    t->done.fetch_add(1);
  }
}

int load(const LoadOptions& o) {
  std::string host, port;
  if (!parse_http_url(o.url, &host, &port))
    return report(invalid_argument("--url must look like http://HOST:PORT, got '" + o.url + "'"));
  install_stop_signals();
  std::vector<services::Customer> customers;
  if (o.demo_customers) customers = demo_customers();
  if (!o.customers_file.empty()) {
    auto from_file = read_customers_file(o.customers_file);
    if (!from_file.ok()) return report(from_file.status());
    customers.insert(customers.end(), from_file->begin(), from_file->end());
  }
  if (!customers.empty()) {
    LoadClient c(host, port);
    if (Status st = post_customers(c, customers); !st.is_ok()) return report(st);
    std::fprintf(stderr, "orderstream: load: posted %zu customers\n", customers.size());
  }
  if (o.stock >= 0) {
    LoadClient c(host, port);
    for (const std::string& p : o.products) {
      HttpReply r = c.request(bhttp::verb::put, "/v1/inventory/" + p,
                              "{\"stock\":" + std::to_string(o.stock) + "}");
      if (r.status != 200)
        return report(io_error("PUT /v1/inventory/" + p + " answered " + std::to_string(r.status) + ": " + r.body));
    }
  }
  uint64_t seed = o.seed ? o.seed : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  LoadOptions opts = o;
  opts.seed = seed;
  std::string run_id = "load-" + std::to_string(seed % 1000000007);
  std::fprintf(stderr, "orderstream: load: %lld orders, concurrency %d, seed %llu, ids %s-N\n",
               static_cast<long long>(o.orders), o.concurrency, static_cast<unsigned long long>(seed),
               run_id.c_str());
  Totals totals;
  std::atomic<int64_t> next{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < o.concurrency; ++i)
    threads.emplace_back(worker, std::cref(opts), host, port, run_id, i, &next, &totals, start);
  while (totals.done.load() < o.orders && !stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // progress display cadence
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    std::fprintf(stderr, "\r%lld/%lld orders, %.0f orders/s   ", static_cast<long long>(totals.done.load()),
                 static_cast<long long>(o.orders), static_cast<double>(totals.done.load()) / s);
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "\n");
  std::lock_guard lock(totals.mu);
  auto& lat = totals.latency_ms;
  std::printf("orders: %lld in %.2f s = %.0f orders/s\n", static_cast<long long>(totals.done.load()),
              secs, static_cast<double>(totals.done.load()) / secs);
  std::printf("latency POST->final (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
              percentile(lat, 50), percentile(lat, 90), percentile(lat, 99), percentile(lat, 99.9),
              lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end()));
  std::printf("final states:");
  for (auto& [s, n] : totals.by_state) std::printf(" %s=%lld", s.c_str(), static_cast<long long>(n));
  std::printf("\nstatus codes:");
  for (auto& [s, n] : totals.by_status) std::printf(" %d=%lld", s, static_cast<long long>(n));
  std::printf("\n");
  if (o.payments) {
    std::printf("payments:");
    for (auto& [s, n] : totals.payments_by_status) std::printf(" %d=%lld", s, static_cast<long long>(n));
    std::printf("\n");
  }
  std::fflush(stdout);
  bool all_ok = totals.by_status.size() == 1 && totals.by_status.count(200) == 1 &&
                (!o.payments || (totals.payments_by_status.size() == 1 &&
                                 totals.payments_by_status.count(201) == 1));
  return all_ok ? kExitOk : kExitError;
}

}  // namespace

void add_load_command(CLI::App& app, const GlobalOptions&, int* exit_code) {
  auto o = std::make_shared<LoadOptions>();
  CLI::App* cmd = app.add_subcommand("load", "Generate orders against a running server over HTTP");
  cmd->add_option("--url", o->url, "Server URL")->type_name("URL");
  cmd->add_option("--orders", o->orders, "Orders to post")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--concurrency", o->concurrency, "Concurrent clients")->check(CLI::Range(1, 4096));
  cmd->add_option("--rate", o->rate, "Orders per second overall (0 = as fast as possible)")->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--customers", o->customers, "Customer ids are drawn from 1..K")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--products", o->products, "Products to order")->delimiter(',');
  cmd->add_option("--stock", o->stock, "PUT this stock for every product before starting");
  cmd->add_option("--timeout-ms", o->timeout_ms, "Long-poll timeout of each wait")->check(CLI::Range(1, 300000));
  cmd->add_option("--seed", o->seed, "Random seed (0 = from the clock; printed)");
  cmd->add_flag("--payments", o->payments, "Also POST a payment for each accepted order");
  cmd->add_option("--customers-file", o->customers_file,
                  "POST these customers first (one Customer JSON per line)")->type_name("FILE");
  cmd->add_flag("--demo-customers", o->demo_customers,
                "POST the reference's demo customers 1..9 first (levels platinum..bronze)");
  cmd->callback([o, exit_code] { *exit_code = load(*o); });
}

}  // namespace orderstream::cli
