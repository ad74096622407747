// Order-details check: FAIL if quantity < 0, price < 0 or product missing, else PASS
// (quantity 0 and price 0 pass). Stateless; one processor per orders partition.
#pragma once

#include <memory>

#include "services/model.h"
#include "stream/processor.h"

namespace orderstream::services {

ValidationResult check_order_details(const Order& order);

std::unique_ptr<stream::Processor> make_order_details_processor();

}  // namespace orderstream::services
