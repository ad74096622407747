// Customers table: materializes the compacted customers topic (latest Customer per id) into the
// task's store, so GET /v1/customers/{id} and joins can look customers up. Per task.
#pragma once

#include <memory>

#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kCustomersSubTopology = "customers-table";
inline constexpr const char* kCustomersStore = "customers";  // decimal id -> Customer JSON

std::unique_ptr<stream::Processor> make_customers_table_processor();

}  // namespace orderstream::services
