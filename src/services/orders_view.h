// Orders view: materializes the latest state of every order (per orders partition) and
// completes parked GETs after each commit. States only move forward (CREATED, then VALIDATED or
// FAILED, then SHIPPED): a final state is never replaced by a CREATED one, the first decision
// stands, and a SHIPPED order stays SHIPPED.
#pragma once

#include <memory>

#include "services/order_waiters.h"
#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kOrdersViewSubTopology = "orders-view";
inline constexpr const char* kOrdersViewStore = "orders";  // order id -> Order JSON

std::unique_ptr<stream::Processor> make_orders_view_processor(OrderWaiters* waiters);

}  // namespace orderstream::services
