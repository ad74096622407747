// `orderstream audit`: checks the business invariants of the log (services/audit.h) from one
// read-only snapshot, so it runs beside a live server; with --bootstrap-servers, of a Kafka
// cluster the services run on (cli/cluster_audit.h). Prints each violation and a summary;
// exit 0 when clean, 1 on violations or errors, 2 on bad usage.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "cli/cluster_audit.h"
#include "cli/service_commands.h"
#include "services/aggregator.h"
#include "services/audit.h"

namespace orderstream::cli {
namespace {

struct AuditArgs {
  std::string rules = "INVENTORY_CHECK,FRAUD_CHECK,ORDER_DETAILS_CHECK";
  bool expect_drained = false;
  size_t max_violations = 0;
  ClusterArgs cluster;
  std::string application_id = "orderstream";
};

int audit(const GlobalOptions& global, const AuditArgs& a) {
  auto start = std::chrono::steady_clock::now();
  auto rules = services::parse_rules(a.rules);
  if (!rules.ok()) return report(rules.status().with_context("--rules"));
  services::AuditOptions options;
  options.rules = *rules;
  options.expect_drained = a.expect_drained;
  if (a.max_violations > 0) options.max_violations = a.max_violations;
  Result<services::AuditReport> result = services::AuditReport{};
  if (a.cluster.enabled()) {
    result = audit_cluster(a.cluster, a.application_id, options);
  } else {
    auto log = open_log(global, Access::kReadOnly);
    if (!log.ok()) return report(log.status());
    result = services::audit_log(**log, options);
  }
  if (!result.ok()) return report(result.status().with_context("audit"));
  const services::AuditReport& r = *result;
  std::string out;
  for (const services::Violation& v : r.violations)
    out += "VIOLATION " + services::format_violation(v) + "\n";
  if (static_cast<int64_t>(r.violations.size()) < r.violation_count)
    out += "... " + std::to_string(r.violation_count - static_cast<int64_t>(r.violations.size())) +
           " more violations not shown (--max-violations)\n";
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const services::AuditSummary& s = r.summary;
  char line[512];
  std::snprintf(line, sizeof line,
                "audit %s: %lld violations; %lld orders (%lld not final), %lld finals, %lld "
                "validations, %lld products (%lld releases pending), %lld group offsets, lag %lld; "
                "%.2f s\n",
                r.clean() ? "OK" : "FAILED", static_cast<long long>(r.violation_count),
                static_cast<long long>(s.orders), static_cast<long long>(s.not_final),
                static_cast<long long>(s.finals), static_cast<long long>(s.validations),
                static_cast<long long>(s.products), static_cast<long long>(s.pending_releases),
                static_cast<long long>(s.group_offsets), static_cast<long long>(s.lag), secs);
  out += line;
  auto written = write_stdout(out);
  if (!written.ok()) return report(written.status());
  return r.clean() ? kExitOk : kExitError;
}

}  // namespace

void add_audit_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand(
      "audit", "Check the order invariants of the log (read-only; works beside a live server)");
  cmd->add_option("--rules", a->rules,
                  "Checks an order needs to be VALIDATED (as given to serve --rules)");
  cmd->add_flag("--expect-drained", a->expect_drained,
                "Also fail on orders without a final state and on consumer lag");
  cmd->add_option("--max-violations", a->max_violations, "Print at most N violations (0 = all)")
      ->type_name("N");
  add_cluster_options(cmd, &a->cluster);
  cmd->add_option("--application-id", a->application_id,
                  "With --bootstrap-servers: the application id the instances run with (serve --application-id)");
  cmd->callback([&global, a, exit_code] { *exit_code = audit(global, *a); });
}

}  // namespace orderstream::cli
