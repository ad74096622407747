// Customers table: materializes the compacted customers topic (latest Customer per id) into a
// global store (its sub-topology is global), so GET /v1/customers/{id} and every task of any
// service (the email join) can look any customer up with TaskContext::get_global.
#pragma once

#include <memory>

#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kCustomersSubTopology = "customers-table";
inline constexpr const char* kCustomersStore = "customers";  // decimal id -> Customer JSON

std::unique_ptr<stream::Processor> make_customers_table_processor();

}  // namespace orderstream::services
