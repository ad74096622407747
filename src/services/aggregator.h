// Validations aggregator: when every configured rule has PASSed for an order, writes the order
// back to `orders` as VALIDATED; on the first FAIL or ERROR, as FAILED. It tracks which rule
// passed (not a count), so duplicate validations can never yield both; exactly one final state
// per order. Reads order-validations and orders (co-partitioned by order id). Per task.
#pragma once

#include <memory>
#include <vector>

#include "services/model.h"
#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kAggregatorSubTopology = "validations-aggregator";

// REQUIRES: rules non-empty.
std::unique_ptr<stream::Processor> make_aggregator_processor(std::vector<CheckType> rules);

// Parses "INVENTORY_CHECK,FRAUD_CHECK,..." (the configured rule set).
Result<std::vector<CheckType>> parse_rules(std::string_view csv);

}  // namespace orderstream::services
