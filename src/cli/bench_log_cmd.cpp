// `orderstream bench log`: append and sequential-read throughput of the log, next to a raw-LMDB
// MDB_APPEND baseline with the same records and batch sizes (log/lmdb_baseline.h).
#include <CLI/CLI.hpp>

#include <stdlib.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "log/lmdb_baseline.h"

namespace orderstream::cli {
namespace {

namespace fs = std::filesystem;

struct BenchLogArgs {
  size_t record_size = 100;
  size_t batch = 1000;
  int32_t partitions = 1;
  int64_t records = 1000000;
  std::string data_dir;  // empty: a fresh temp dir, removed afterwards
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Prints "\r<what>: NN%" to stderr at most every 10%.
class Progress {
 public:
  Progress(const char* what, int64_t total) : what_(what), total_(total) {}
  void update(int64_t done) {
    int pct = total_ > 0 ? static_cast<int>(done * 100 / total_) : 100;
    if (pct / 10 == last_ / 10) return;
    last_ = pct;
    std::fprintf(stderr, "\r%s: %3d%%", what_, pct);
    if (pct >= 100) std::fprintf(stderr, "\n");
  }

 private:
  const char* what_;
  int64_t total_;
  int last_ = -10;
};

// CPU seconds this process has used: separates the log's own cost from waiting on a busy machine.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Throughput {
  double records_per_sec = 0;
  double mb_per_sec = 0;
};

Throughput throughput(int64_t records, size_t record_size, double secs) {
  secs = std::max(secs, 1e-9);
  return {static_cast<double>(records) / secs,
          static_cast<double>(records) * static_cast<double>(record_size) / secs / 1e6};
}

Status bench_log(const GlobalOptions& g, const BenchLogArgs& a) {
  std::string root = a.data_dir;
  bool temp = root.empty();
  if (temp) {
    std::string tmpl = (fs::temp_directory_path() / "orderstream-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return io_error("cannot create a temp dir " + tmpl);
    root = tmpl;
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{temp ? root : ""};
  install_stop_signals();

  std::string value(a.record_size, 'x');
  for (size_t i = 0; i < a.record_size; ++i) value[i] = static_cast<char>('a' + i % 26);
  std::printf("bench log: %lld records of %zu B, batches of %zu, %d partition(s), in %s\n",
              static_cast<long long>(a.records), a.record_size, a.batch, a.partitions, root.c_str());

  Throughput append, read;
  double read_cpu_secs = 0;
  {
    GlobalOptions lg = g;
    lg.data_dir = root + "/log";
    OS_ASSIGN_OR_RETURN(auto log, open_log(lg, Access::kWriteOrCreate));
    OS_RETURN_IF_ERROR(log->create_topic("bench", a.partitions, log::TopicConfig{}));
    log::RecordData rec;
    rec.value = value;
    Progress progress("appending", a.records);
    auto t0 = std::chrono::steady_clock::now();
    int64_t done = 0;
    for (int64_t b = 0; done < a.records; ++b) {
      if (stop_requested()) return aborted("interrupted");
      log::TopicPartition tp{"bench", PartitionId(static_cast<int32_t>(b % a.partitions))};
      int64_t n = std::min<int64_t>(static_cast<int64_t>(a.batch), a.records - done);
      OS_RETURN_IF_ERROR(log->write([&](log::WriteTxn& w) {
        for (int64_t i = 0; i < n; ++i) OS_RETURN_IF_ERROR(w.append(tp, rec).status());
        return Status::ok();
      }));
      done += n;
      progress.update(done);
    }
    append = throughput(a.records, a.record_size, seconds_since(t0));

    OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
    int64_t seen = 0;
    size_t bytes = 0;
    t0 = std::chrono::steady_clock::now();
    double cpu0 = cpu_seconds();
    for (int32_t p = 0; p < a.partitions; ++p) {
      OS_ASSIGN_OR_RETURN(Offset next, view.scan(log::TopicPartition{"bench", PartitionId(p)},
                                                 Offset(0), SIZE_MAX, [&](const log::RecordView& r) {
                                                   ++seen;
                                                   bytes += r.value ? r.value->size() : 0;
                                                   return true;
                                                 }));
      (void)next;
    }
    read = throughput(seen, a.record_size, seconds_since(t0));
    read_cpu_secs = cpu_seconds() - cpu0;
    if (seen != a.records || bytes != static_cast<size_t>(a.records) * a.record_size)
      return corruption("read back " + std::to_string(seen) + " records, appended " +
                        std::to_string(a.records));
  }

  std::fprintf(stderr, "raw LMDB baseline...\n");
  OS_ASSIGN_OR_RETURN(double raw_rps, log::raw_lmdb_append_records_per_sec(
                                          root + "/raw", a.record_size, a.batch, a.records));
  Throughput raw = throughput(a.records, a.record_size,
                              static_cast<double>(a.records) / std::max(raw_rps, 1e-9));
  std::printf("log append:          %12.0f records/s %9.1f MB/s\n", append.records_per_sec,
              append.mb_per_sec);
  std::printf("raw LMDB append:     %12.0f records/s %9.1f MB/s\n", raw.records_per_sec,
              raw.mb_per_sec);
  std::printf("append ratio:        %12.1f %% of raw LMDB\n",
              100.0 * append.records_per_sec / std::max(raw.records_per_sec, 1e-9));
  std::printf("log sequential read: %12.0f records/s %9.1f MB/s (%.0f records per CPU-second)\n",
              read.records_per_sec, read.mb_per_sec,
              static_cast<double>(a.records) / std::max(read_cpu_secs, 1e-9));
  return Status::ok();
}

}  // namespace

void add_bench_commands(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto a = std::make_shared<BenchLogArgs>();
  CLI::App* c = bench_group(app).add_subcommand(
      "log", "Append and sequential-read throughput of the log vs raw LMDB MDB_APPEND");
  c->add_option("--record-size", a->record_size, "Value bytes per record")
      ->check(CLI::Range(size_t{0}, size_t{1} << 20));
  c->add_option("--batch", a->batch, "Records per write transaction")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24));
  c->add_option("--partitions", a->partitions, "Partitions (batches rotate over them)")
      ->check(CLI::Range(1, log::kMaxPartitions));
  c->add_option("--records", a->records, "Records to append")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  c->add_option("--data-dir", a->data_dir,
                "Where to write (must not hold a log; default: a fresh temp dir, removed after)")
      ->type_name("DIR");
  c->callback([=, g = &global] { *exit_code = report(bench_log(*g, *a)); });
}

}  // namespace orderstream::cli
