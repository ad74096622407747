// `orderstream bench pipeline`: orders injected straight into the log in-process, the whole
// ecosystem running on its threads, timed until every order has its final state.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "cli/service_commands.h"
#include "common/proc_io.h"
#include "services/ecosystem.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "stream/runtime.h"

namespace orderstream::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct PipelineOptions {
  int64_t orders = 100000;
  int32_t partitions = 4;
  int stream_threads = 0;
  std::string data_dir;  // empty: a fresh temp dir, removed afterwards
  int64_t customers = 1000;
  std::string sync_mode = "durable";  // serve's flag; both modes fdatasync every commit, so they measure alike
};

Result<int64_t> end_offsets(log::Log& log, const char* topic, int32_t partitions) {
  OS_ASSIGN_OR_RETURN(log::ReadView v, log.read_view());
  int64_t total = 0;
  for (int32_t p = 0; p < partitions; ++p) {
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, v.partition_info({topic, PartitionId(p)}));
    total += info.end.v;
  }
  return total;
}

int bench_pipeline(const GlobalOptions& global, const PipelineOptions& o) {
  std::string dir = o.data_dir;
  bool temp = dir.empty();
  if (temp) dir = (std::filesystem::temp_directory_path() / ("orderstream-bench-" + std::to_string(::getpid()))).string();
  GlobalOptions g = global;
  g.data_dir = dir;
  auto opened = open_log(g, Access::kWriteOrCreate, o.sync_mode);
  if (!opened.ok()) return report(opened.status());
  log::Log& log = **opened;
  stream::Topology topology = services::make_ecosystem_topology({}, nullptr);
  stream::RuntimeOptions ro;
  ro.partitions = o.partitions;
  ro.threads = o.stream_threads;
  stream::Runtime runtime(log, topology, ro, nullptr);
  if (Status st = runtime.init(); !st.is_ok()) return report(st);
  auto before = end_offsets(log, services::topics::kOrders, o.partitions);
  if (!before.ok()) return report(before.status());

  // Enough stock that the inventory check passes; fraud sees many small customers.
  std::vector<std::string> stock_values;
  for (auto p : services::kAllProducts) {
    std::string key(services::to_string(p)), value = services::stock_to_log_json(o.orders * 2);
    log::RecordData rd;
    rd.key = key;
    rd.value = value;
    if (auto r = log.append(services::topics::kWarehouseInventory, std::nullopt, std::span(&rd, 1)); !r.ok())
      return report(r.status());
  }
  int64_t records_before = log.appended_records();
  // The commits and bytes written show how much the serial write phase moves per order, which
  // is what limits the pipeline (bench/README.md).
  uint64_t commits_before = log.version();
  int64_t written_before = process_bytes_written();
  runtime.start();
  auto start = Clock::now();
  std::mt19937_64 rng(42);
  const int64_t kBatch = 1000;
  for (int64_t i = 0; i < o.orders; i += kBatch) {
    std::vector<std::string> ids, values;
    for (int64_t j = i; j < std::min(o.orders, i + kBatch); ++j) {
      services::Order order{"bench-" + std::to_string(j),
                            1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(o.customers)),
                            services::OrderState::kCreated,
                            services::kAllProducts[rng() % services::kAllProducts.size()], 1, 1.0};
      ids.push_back(order.id);
      values.push_back(services::to_json(order));
    }
    std::vector<log::RecordData> rds;
    for (size_t k = 0; k < ids.size(); ++k) {
      log::RecordData rd;
      rd.key = ids[k];
      rd.value = values[k];
      rds.push_back(rd);
    }
    if (auto r = log.append(services::topics::kOrders, std::nullopt, rds); !r.ok()) return report(r.status());
  }
  auto injected = Clock::now();
  // Every order ends with exactly one final record in `orders`: wait for 2N records there.
  int64_t target = *before + 2 * o.orders;
  int64_t last_print = 0;
  while (true) {
    auto n = end_offsets(log, services::topics::kOrders, o.partitions);
    if (!n.ok()) return report(n.status());
    if (*n >= target) break;
    if (stop_requested()) break;
    int64_t finals = *n - *before - o.orders;
    if (finals - last_print >= o.orders / 10) {
      std::fprintf(stderr, "\r%lld/%lld final", static_cast<long long>(finals), static_cast<long long>(o.orders));
      last_print = finals;
    }
    log.wait_for_change(log.version(), std::chrono::milliseconds(100));
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  double inject_secs = std::chrono::duration<double>(injected - start).count();
  int64_t carried = log.appended_records() - records_before;
  auto commits = static_cast<double>(log.version() - commits_before);
  auto written = static_cast<double>(process_bytes_written() - written_before);
  runtime.stop();
  std::fprintf(stderr, "\n");
  std::printf("pipeline: %lld orders, %d partitions, %zu tasks, sync mode %s\n", static_cast<long long>(o.orders),
              o.partitions, runtime.task_count(), o.sync_mode.c_str());
  std::printf("  injected in %.3f s; all final after %.3f s\n", inject_secs, secs);
  std::printf("  %.0f orders/s to final state; the log carried %lld records = %.0f records/s\n",
              static_cast<double>(o.orders) / secs, static_cast<long long>(carried),
              static_cast<double>(carried) / secs);
  std::printf("  %.0f commits (%.0f records each); %.0f MB written, %.0f bytes per order\n", commits,
              commits > 0 ? static_cast<double>(carried) / commits : 0.0, written / 1e6,
              written / static_cast<double>(o.orders));
  std::fflush(stdout);
  opened->reset();
  if (temp) std::filesystem::remove_all(dir);
  return kExitOk;
}

}  // namespace

void add_bench_pipeline_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto o = std::make_shared<PipelineOptions>();
  CLI::App* cmd = bench_group(app).add_subcommand("pipeline", "Orders/s through the whole ecosystem, in-process");
  cmd->add_option("--orders", o->orders, "Orders to inject")->check(CLI::Range(int64_t{1}, int64_t{1} << 32));
  cmd->add_option("--partitions", o->partitions, "Partitions per topic")->check(CLI::Range(1, 1024));
  cmd->add_option("--stream-threads", o->stream_threads, "Stream threads (0 = one per service)");
  cmd->add_option("--customers", o->customers, "Distinct customers")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--sync-mode", o->sync_mode, "durable or lazy, as serve takes it (both fdatasync every commit)")
      ->check(CLI::IsMember({"durable", "lazy"}));
  cmd->add_option("--data-dir", o->data_dir, "Use this directory (default: a fresh temp dir, removed after)");
  cmd->callback([&global, o, exit_code] { *exit_code = bench_pipeline(global, *o); });
}

}  // namespace orderstream::cli
