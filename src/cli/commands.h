// The orderstream command line: the CLI11 app, global options (--data-dir, --config,
// --map-size-mb), and the helpers every command group shares (opening the log, reporting errors).
// Single-threaded: commands run on the main thread; run() never lets an exception escape.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/log.h"

namespace CLI {
class App;
}

namespace orderstream::cli {

// Options every command sees; filled by CLI11 from flags, then the --config file, then defaults.
struct GlobalOptions {
  std::string data_dir = "./data";
  std::string config_file;
  int64_t map_size_mb = 16384;
};

// Exit codes: 0 success, 1 a command failed, 2 bad usage (flags, config file).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

// Runs the command line; returns the process exit code.
int run(int argc, char** argv);

enum class Access {
  kReadOnly,        // MDB_RDONLY: works beside a live writer; fails on a missing directory
  kWrite,           // takes the writer lock; fails on a missing directory
  kWriteOrCreate,   // takes the writer lock; creates the directory and log if absent
};

// Opens the log in global.data_dir. Errors are Log::open's (NotFound, InvalidArgument, Busy...).
// sync_mode: "durable" or "lazy" (log::SyncMode), as the --sync-mode flags spell it.
Result<std::unique_ptr<log::Log>> open_log(const GlobalOptions& global, Access access,
                                           const std::string& sync_mode = "durable");

// Prints "orderstream: error: <message>" to stderr and returns kExitError (OK: returns kExitOk).
int report(const Status& status);
// Prints "orderstream: warning: <message>" to stderr.
void warn(const std::string& message);

// Installs SIGINT/SIGTERM handlers that only set a flag, and ignores SIGPIPE so a closed pipe
// shows up as EPIPE from write_stdout. For long-running commands (consume, bench).
void install_stop_signals();
bool stop_requested();

// Writes `data` to stdout and flushes. Returns false when the reader went away (EPIPE): the
// caller stops cleanly. Other write errors are IOError.
Result<bool> write_stdout(std::string_view data);

// Command groups; each registers its subcommands on `app`. A command's callback stores its exit
// code in *exit_code. `global` outlives the parse.
void add_topics_commands(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_produce_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_consume_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_dump_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_groups_commands(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_maintenance_commands(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_disk_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_bench_commands(CLI::App& app, const GlobalOptions& global, int* exit_code);

// The `bench` subcommand, created on first use so bench_log_cmd.cpp and service_commands.cpp can
// both hang commands under it.
CLI::App& bench_group(CLI::App& app);

}  // namespace orderstream::cli
