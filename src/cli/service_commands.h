// Commands that run the services: serve, load, reset-service and bench pipeline. Same threading
// rules as commands.h (each runs on the main thread; serve and load start their own threads).
#pragma once

#include "cli/commands.h"

namespace orderstream::cli {

// Registers the service commands on `app`; the callbacks store their exit code in *exit_code.
void add_service_commands(CLI::App& app, const GlobalOptions& global, int* exit_code);

void add_serve_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_load_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_reset_service_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_bench_pipeline_command(CLI::App& app, const GlobalOptions& global, int* exit_code);
void add_sql_command(CLI::App& app, const GlobalOptions& global, int* exit_code);  // sql_cmd.cpp
void add_audit_command(CLI::App& app, const GlobalOptions& global, int* exit_code);

}  // namespace orderstream::cli
