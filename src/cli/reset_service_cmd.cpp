// `orderstream reset-service NAME [--execute]`: rewinds a service's input offsets AND wipes its
// state stores in one txn, so it replays from the start with nothing left behind (Kafka's
// application reset tool resets offsets but leaves local state). A dry run unless --execute,
// which needs the data directory to itself: unlike the other writing commands it never goes
// through a running server, whose tasks own the state it wipes.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/server_client.h"
#include "cli/service_commands.h"
#include "services/ecosystem.h"
#include "stream/runtime.h"

namespace orderstream::cli {
namespace {

int reset_service(const GlobalOptions& global, const std::string& name, bool execute) {
  stream::Topology topology = services::make_ecosystem_topology({}, nullptr);
  auto names = services::service_names(topology);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return report(not_found("no service named '" + name + "' (services: " + known + ")"));
  }
  auto log = open_log(global, execute ? Access::kWrite : Access::kReadOnly);
  if (!log.ok() && log.status().code() == StatusCode::kBusy) {
    auto server = ServerClient::find(global.data_dir, log.status());
    if (!server.ok()) return report(server.status());
    return report(busy(log.status().message() + "; it is the running server at " + (*server)->url() +
                       ": stop the server first (reset-service --execute needs the data directory "
                       "to itself, the server's tasks own the state it wipes)"));
  }
  if (!log.ok()) return report(log.status());
  std::printf("%-26s %-22s %s\n", "SUB-TOPOLOGY", "INPUT", "STORES WIPED");
  for (const auto& sub : topology.sub_topologies) {
    if (sub.service != name) continue;
    std::string stores;
    for (const auto& s : sub.stores) stores += (stores.empty() ? "" : ",") + s;
    for (const auto& in : sub.inputs)
      std::printf("%-26s %-22s %s\n", sub.name.c_str(), (in + " -> earliest").c_str(),
                  stores.empty() ? "-" : stores.c_str());
  }
  if (!execute) {
    std::printf("dry run: nothing changed; add --execute (with the server stopped) to reset\n");
    return kExitOk;
  }
  auto info = (*log)->topic("orders");
  int32_t partitions = info.ok() ? info->partitions : 1;
  if (Status st = stream::Runtime::reset_service(**log, topology, name, partitions); !st.is_ok())
    return report(st);
  if (Status st = (*log)->sync(); !st.is_ok()) return report(st);
  std::printf("reset %s: it will reprocess its inputs from the start on the next serve\n", name.c_str());
  return kExitOk;
}

}  // namespace

void add_reset_service_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto name = std::make_shared<std::string>();
  auto execute = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "reset-service", "Rewind a service's input offsets and wipe its state (replay from start)");
  cmd->add_option("NAME", *name, "Service (orders, order-details, fraud, inventory, validations-aggregator, customers)")
      ->required();
  cmd->add_flag("--execute", *execute, "Do it (default: print the plan)");
  cmd->callback([&global, name, execute, exit_code] { *exit_code = reset_service(global, *name, *execute); });
}

}  // namespace orderstream::cli
