// Level routing (docs/reference.md "Level routing"): every CREATED order of a known customer is
// written, as an OrderEnriched, to the topic named after the customer's level (platinum, gold,
// silver, bronze), looked up in the customers global table. Orders of customers not (yet) in the
// table are not routed, as in a GlobalKTable inner join. Part of the email service.
#pragma once

#include <memory>

#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kLevelRoutingSubTopology = "level-routing";

std::unique_ptr<stream::Processor> make_level_routing_processor();

}  // namespace orderstream::services
