// What `orderstream load` posts before its orders: customers (from a file or the reference's
// demo set) so the email service and level routing have someone to write to.
#pragma once

#include <string>
#include <vector>

#include "cli/load_client.h"
#include "common/status.h"
#include "services/model.h"

namespace orderstream::cli {

// The reference's demo customers 1..9: 1-3 platinum, 5 and 7 gold, 6 and 8 silver, 4 and 9 bronze.
std::vector<services::Customer> demo_customers();
// One Customer JSON object per line (blank lines and lines starting with '#' are skipped).
// InvalidArgument naming the line on the first bad one; nothing is posted then.
Result<std::vector<services::Customer>> read_customers_file(const std::string& path);
// POSTs each customer; IOError naming the first one the server did not accept.
Status post_customers(LoadClient& client, const std::vector<services::Customer>& customers);

}  // namespace orderstream::cli
