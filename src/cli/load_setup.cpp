#include "cli/load_setup.h"

#include "services/json_codec.h"

#include <simdjson.h>

#include <cstdio>
#include <fstream>

namespace orderstream::cli {

namespace bhttp = boost::beast::http;

std::vector<services::Customer> demo_customers() {
  const char* levels[] = {"platinum", "platinum", "platinum", "bronze", "gold",
                          "silver",   "gold",     "silver",   "bronze"};
  const char* first[] = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Leslie"};
  const char* last[] = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Lamport"};
  std::vector<services::Customer> out;
  for (int i = 0; i < 9; ++i) {
    services::Customer c;
    c.id = i + 1;
    c.first_name = first[i];
    c.last_name = last[i];
    c.email = std::string(first[i]) + "." + last[i] + "@example.com";
    c.address = std::to_string(10 * (i + 1)) + " Demo Street";
    c.level = levels[i];
    out.push_back(c);
  }
  return out;
}

Result<std::vector<services::Customer>> read_customers_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("cannot open customers file '" + path + "'");
  std::vector<services::Customer> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    auto c = services::customer_from_json(line);
    if (!c.ok())
      return invalid_argument(path + ":" + std::to_string(n) + ": " + c.status().message());
    out.push_back(*c);
  }
  if (in.bad()) return io_error("reading customers file '" + path + "' failed");
  return out;
}

Result<CustomersPosted> post_customers(LoadClient& client,
                                       const std::vector<services::Customer>& customers,
                                       bool overwrite) {
  CustomersPosted out;
  for (const services::Customer& c : customers) {
    const std::string id = std::to_string(c.id);
    if (!overwrite) {
      HttpReply known = client.request(bhttp::verb::get, "/v1/customers/" + id, "");
      if (known.status == 200) {
        ++out.kept;
        continue;
      }
      if (known.status != 404)
        return io_error("GET /v1/customers/" + id + " answered " + std::to_string(known.status) + ": " +
                        known.body);
    }
    HttpReply r = client.request(bhttp::verb::post, "/v1/customers", services::to_json(c));
    if (r.status != 201)
      return io_error("POST /v1/customers (id " + id + ") answered " + std::to_string(r.status) + ": " +
                      r.body);
    ++out.posted;
  }
  return out;
}

Status set_available_stock(LoadClient& client, const std::vector<std::string>& products,
                           int64_t available) {
  simdjson::dom::parser parser;
  for (const std::string& p : products) {
    const std::string target = "/v1/inventory/" + p;
    HttpReply got = client.request(bhttp::verb::get, target, "");
    int64_t stock = 0, reserved = 0;
    simdjson::dom::element doc;
    if (got.status != 200 || parser.parse(got.body).get(doc) != simdjson::SUCCESS ||
        doc["stock"].get(stock) != simdjson::SUCCESS || doc["reserved"].get(reserved) != simdjson::SUCCESS)
      return io_error("GET " + target + " answered " + std::to_string(got.status) + ": " + got.body);
    const int64_t level = reserved + available;
    HttpReply put = client.request(bhttp::verb::put, target, "{\"stock\":" + std::to_string(level) + "}");
    if (put.status != 200)
      return io_error("PUT " + target + " answered " + std::to_string(put.status) + ": " + put.body);
    std::fprintf(stderr, "orderstream: load: stock: %s %lld available (stock %lld, %lld reserved)\n", p.c_str(),
                 static_cast<long long>(available), static_cast<long long>(level),
                 static_cast<long long>(reserved));
  }
  return Status::ok();
}

}  // namespace orderstream::cli
