#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>

#include "cli/service_commands.h"
#include "common/version.h"

namespace orderstream::cli {

Result<std::unique_ptr<log::Log>> open_log(const GlobalOptions& global, Access access,
                                           const std::string& sync_mode) {
  log::LogOptions o;
  o.dir = global.data_dir;
  o.map_size_bytes = static_cast<uint64_t>(global.map_size_mb) << 20;
  o.read_only = access == Access::kReadOnly;
  o.create_if_missing = access == Access::kWriteOrCreate;
  o.sync_mode = sync_mode == "lazy" ? log::SyncMode::kLazy : log::SyncMode::kDurable;
  return log::Log::open(o);
}

int report(const Status& status) {
  if (status.is_ok()) return kExitOk;
  std::fflush(stdout);
  std::fprintf(stderr, "orderstream: error: %s\n", status.message().c_str());
  return kExitError;
}

void warn(const std::string& message) {
  std::fprintf(stderr, "orderstream: warning: %s\n", message.c_str());
}

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }
}  // namespace

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_stop != 0; }

Result<bool> write_stdout(std::string_view data) {
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), stdout) != data.size()) {
    if (errno == EPIPE) return false;
    return io_error(std::string("writing to stdout: ") + std::strerror(errno));
  }
  if (std::fflush(stdout) != 0) {
    if (errno == EPIPE) return false;
    return io_error(std::string("writing to stdout: ") + std::strerror(errno));
  }
  return true;
}

CLI::App& bench_group(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return s->get_name() == "bench"; }))
    return *sub;
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks (each prints its results to stdout)");
  bench->require_subcommand(1);
  return *bench;
}

namespace {

int run_app(int argc, char** argv) {
  CLI::App app{
      "orderstream: an order-management system on an embedded, partitioned event log.\n"
      "Read-only commands (topics list/describe, consume, dump, groups list/describe, verify, disk)\n"
      "work beside a running server; writing commands need the data directory to themselves.",
      "orderstream"};
  GlobalOptions global;
  app.option_defaults()->always_capture_default();
  // Subcommands created below inherit this: global options may also follow the subcommand.
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--data-dir", global.data_dir, "Directory of the log (one LMDB environment)")
      ->type_name("DIR");
  app.add_option("--map-size-mb", global.map_size_mb,
                 "LMDB map size in MiB (virtual; the file grows only as data is written)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->type_name("N");
  app.set_version_flag("--version", std::string("orderstream ") + version() + " (commit " +
                                        build_commit() + ", " + build_type() + " build)");
  app.set_config("--config", "", "TOML file with global options (flags override it)")
      ->type_name("FILE")
      ->check(CLI::ExistingFile);

  int exit_code = kExitOk;
  add_topics_commands(app, global, &exit_code);
  add_produce_command(app, global, &exit_code);
  add_consume_command(app, global, &exit_code);
  add_dump_command(app, global, &exit_code);
  add_groups_commands(app, global, &exit_code);
  add_maintenance_commands(app, global, &exit_code);
  add_disk_command(app, global, &exit_code);
  add_bench_commands(app, global, &exit_code);
  add_service_commands(app, global, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::ParseError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "orderstream: error: %s (see 'orderstream --help')\n", e.what());
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace

int run(int argc, char** argv) {
  // The boundary: CLI11 and std may throw; nothing escapes main.
  try {
    return run_app(argc, argv);
  } catch (const std::exception& e) {
    return report(Status(StatusCode::kAborted, std::string("unexpected exception: ") + e.what()));
  } catch (...) {
    return report(Status(StatusCode::kAborted, "unexpected non-standard exception"));
  }
}

}  // namespace orderstream::cli
