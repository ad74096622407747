// What `orderstream load` sets up before its orders: customers (from a file or the reference's
// demo set) so the email service and level routing have someone to write to, and the stock the
// run may use. Single-threaded: runs on the load command's thread before the workers start.
#pragma once

#include <cstdint>
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

struct CustomersPosted {
  size_t posted = 0;  // POSTed: unknown to the server, or overwritten
  size_t kept = 0;    // known to the server and left as they were
};
// POSTs each customer the server does not know (GET /v1/customers/{id} answers 404) and keeps
// each one it knows unless `overwrite`. The server knows a customer once its customers table has
// it, a moment after the POST that made it. IOError naming the first customer whose GET or POST
// was not answered cleanly; the ones before it stay posted.
Result<CustomersPosted> post_customers(LoadClient& client,
                                       const std::vector<services::Customer>& customers,
                                       bool overwrite);

// Makes `available` units of each product available to the orders that follow: GETs the
// product's stock and reserved count and PUTs stock = reserved + available, since the inventory
// task keeps the reservation of every order that passed its check unless the order ends FAILED
// (services/inventory.h). Prints what it set on stderr, one line per product. REQUIRES:
// available >= 0 and known product names. IOError naming the first request not answered cleanly.
Status set_available_stock(LoadClient& client, const std::vector<std::string>& products,
                           int64_t available);

}  // namespace orderstream::cli
