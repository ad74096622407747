// `audit --bootstrap-servers`: the audit of services/audit.h over a Kafka cluster running the
// services (`serve --backend kafka`). The ecosystem's topics (read_committed, to their ends) and
// the tasks' state (restored from their changelogs as of their groups' committed offsets) are
// copied into a scratch log in a temporary directory, removed afterwards, and the same checks
// run on that copy; violations are reported at the cluster's offsets.
#pragma once

#include <string>

#include "cli/cluster_options.h"
#include "services/audit.h"

namespace orderstream::cli {

// `application_id` is the one the instances run with (their groups and changelogs' prefix).
// NotFound when the cluster has no `orders` topic.
Result<services::AuditReport> audit_cluster(const ClusterArgs& args, const std::string& application_id,
                                            const services::AuditOptions& options);

}  // namespace orderstream::cli
