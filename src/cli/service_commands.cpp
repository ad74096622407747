#include "cli/service_commands.h"

namespace orderstream::cli {

void add_service_commands(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  add_serve_command(app, global, exit_code);
  add_load_command(app, global, exit_code);
  add_reset_service_command(app, global, exit_code);
  add_bench_pipeline_command(app, global, exit_code);
  add_sql_command(app, global, exit_code);
  add_audit_command(app, global, exit_code);
}

}  // namespace orderstream::cli
