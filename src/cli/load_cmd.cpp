// `orderstream load`: the reference's order generator, concurrent. Each of C workers POSTs an
// order (random customer and product, quantity 1, price 1.0), with --payments a payment for it,
// then waits on /validated; the latency is from the order's POST to its final state. Customers
// can be posted first (--customers-file, --demo-customers) and stock made available (--stock).
// Live progress on stderr, a summary on stdout, and why orders FAILED when some did.
#include "cli/load_client.h"
#include "cli/load_failures.h"
#include "cli/load_report.h"
#include "cli/load_setup.h"
#include "cli/service_commands.h"
#include "services/model.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

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
  int64_t stock = -1;  // if >= 0: make this many units of every product available first
  int timeout_ms = 30000;
  uint64_t seed = 0;  // 0 = from the clock
  bool payments = false;        // POST a payment for each accepted order
  std::string customers_file;   // POST these customers first
  bool demo_customers = false;  // POST the reference's demo customers 1..9 first
  bool overwrite_customers = false;  // POST them even when the server has them already
};

std::string final_state(const std::string& body) {
  for (const char* s : {"VALIDATED", "FAILED", "CREATED", "SHIPPED"})
    if (body.find(std::string("\"state\":\"") + s + "\"") != std::string::npos) return s;
  return "UNKNOWN";
}

void worker(const LoadOptions& o, const std::string& host, const std::string& port,
            const std::string& run_id, int index, std::atomic<int64_t>* next, LoadTotals* t,
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
    int64_t same_post = ++t->post_status[post.status];
    if (post.status == 201) t->get_status[got.status]++;
    if (post.status == 201 && o.payments) t->payment_status[paid.status]++;
    if (post.status == 201 && got.status == 200) {
      t->latency_ms.push_back(ms);
      std::string state = final_state(got.body);
      t->by_state[state]++;
      if (state == "FAILED" && t->failed_sample.size() < kMaxFailedSample) t->failed_sample.push_back(id);
    } else if (post.status != 201 && same_post <= 3) {
      std::fprintf(stderr, "orderstream: load: POST answered %d: %s\n", post.status, post.body.c_str());
    }
    t->done.fetch_add(1);
  }
}

// POSTs the customers of --demo-customers and --customers-file (the file is read before anything
// is sent) and says on stderr what became of them.
Status setup_customers(const LoadOptions& o, LoadClient& client) {
  std::vector<std::pair<std::string, std::vector<services::Customer>>> sources;
  if (o.demo_customers) sources.emplace_back("demo customers", demo_customers());
  if (!o.customers_file.empty()) {
    OS_ASSIGN_OR_RETURN(auto from_file, read_customers_file(o.customers_file));
    sources.emplace_back("customers from " + o.customers_file, std::move(from_file));
  }
  for (const auto& [what, list] : sources) {
    OS_ASSIGN_OR_RETURN(CustomersPosted done, post_customers(client, list, o.overwrite_customers));
    std::fprintf(stderr, "orderstream: load: customers: %zu %s", list.size(), what.c_str());
    if (done.kept > 0)
      std::fprintf(stderr, " (%zu existed and %s kept; --overwrite-customers replaces them)", done.kept,
                   done.kept == 1 ? "was" : "were");
    std::fprintf(stderr, "\n");
  }
  return Status::ok();
}

// Prints why the FAILED orders failed (their failing checks, with hints) and returns that reason
// in one line, or "" if it could not be found out.
std::string report_failures(const std::string& host, const std::string& port, const std::string& from,
                            int64_t failed, const std::vector<std::string>& sample) {
  auto counts = explain_failures(host, port, from, sample);
  if (!counts.ok()) {
    std::printf("failed: %lld\n", static_cast<long long>(failed));
    std::fflush(stdout);
    warn("cannot tell why orders FAILED: " + counts.status().message());
    return "";
  }
  std::string why = describe(*counts);
  if (static_cast<int64_t>(sample.size()) < failed)
    std::printf("failed: %lld (of the first %zu: %s)\n", static_cast<long long>(failed), sample.size(),
                why.c_str());
  else
    std::printf("failed: %lld (%s)\n", static_cast<long long>(failed), why.c_str());
  for (const std::string& hint : failure_hints(*counts)) std::printf("hint: %s\n", hint.c_str());
  return why;
}

int load(const LoadOptions& o) {
  std::string host, port;
  if (!parse_http_url(o.url, &host, &port))
    return report(invalid_argument("--url must look like http://HOST:PORT, got '" + o.url + "'"));
  install_stop_signals();
  {
    LoadClient c(host, port);
    if (Status st = setup_customers(o, c); !st.is_ok()) return report(st);
    if (o.stock >= 0)
      if (Status st = set_available_stock(c, o.products, o.stock); !st.is_ok()) return report(st);
  }
  // Where order-validations ends before the first order: the reasons of this run's failures are
  // after it.
  const std::string validations_start = validations_cursor(host, port);
  uint64_t seed = o.seed ? o.seed : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  LoadOptions opts = o;
  opts.seed = seed;
  std::string run_id = "load-" + std::to_string(seed % 1000000007);
  std::fprintf(stderr, "orderstream: load: %lld orders, concurrency %d, seed %llu, ids %s-N\n",
               static_cast<long long>(o.orders), o.concurrency, static_cast<unsigned long long>(seed),
               run_id.c_str());
  LoadTotals totals;
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
  bool clean = print_summary(totals, secs, o.payments);
  const int64_t finals = static_cast<int64_t>(totals.latency_ms.size());
  const int64_t failed = totals.by_state.count("FAILED") ? totals.by_state.at("FAILED") : 0;
  std::string why;
  if (failed > 0) why = report_failures(host, port, validations_start, failed, totals.failed_sample);
  std::fflush(stdout);
  // FAILED orders among VALIDATED ones are business outcomes; all of them FAILED is a setup
  // problem the user has to hear about.
  if (failed > 0 && failed == finals)
    report(aborted(why.empty() ? "every order FAILED" : "every order FAILED (" + why + "): see the hints above"));
  if (!clean) report(io_error("not every request had a clean answer (see the status codes above)"));
  return clean && !(failed > 0 && failed == finals) ? kExitOk : kExitError;
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
  cmd->add_option("--products", o->products, "Products to order (comma-separated)")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](const std::string& name) -> std::string {
            if (services::parse_product(name)) return "";
            std::string known;
            for (services::Product p : services::kAllProducts)
              known += (known.empty() ? "" : ", ") + std::string(services::to_string(p));
            return "unknown product '" + name + "' (known: " + known + ")";
          },
          "PRODUCT"));
  cmd->add_option("--stock", o->stock,
                  "Make N units of every product available to this run: PUT stock = reserved + N first")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--timeout-ms", o->timeout_ms, "Long-poll timeout of each wait")->check(CLI::Range(1, 300000));
  cmd->add_option("--seed", o->seed, "Random seed (0 = from the clock; printed)");
  cmd->add_flag("--payments", o->payments, "Also POST a payment for each accepted order");
  cmd->add_option("--customers-file", o->customers_file,
                  "POST these customers first (one Customer JSON per line)")->type_name("FILE");
  cmd->add_flag("--demo-customers", o->demo_customers,
                "POST the reference's demo customers 1..9 first (levels platinum..bronze)");
  cmd->add_flag("--overwrite-customers", o->overwrite_customers,
                "POST --demo-customers / --customers-file customers even if the server has them");
  add_api_token_option(cmd);
  cmd->callback([o, exit_code] { *exit_code = load(*o); });
}

}  // namespace orderstream::cli
