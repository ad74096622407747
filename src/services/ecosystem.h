// The order ecosystem's topology: every service's sub-topologies and the topics they use.
// Built once at startup; the Topology is read-only afterwards.
#pragma once

#include <string>
#include <vector>

#include "services/email.h"
#include "services/fraud.h"
#include "services/model.h"
#include "services/order_waiters.h"
#include "stream/topology.h"

namespace orderstream::services {

struct EcosystemOptions {
  std::vector<CheckType> rules{CheckType::kInventoryCheck, CheckType::kFraudCheck,
                               CheckType::kOrderDetailsCheck};
  FraudOptions fraud;
  EmailOptions email;
};

// `waiters` (may be null) is completed by the orders view; it must outlive the runtime.
stream::Topology make_ecosystem_topology(const EcosystemOptions& options, OrderWaiters* waiters);

// Names accepted by reset-service (the `service` of each sub-topology).
std::vector<std::string> service_names(const stream::Topology& topology);

}  // namespace orderstream::services
