#include "cli/load_setup.h"

#include <fstream>

#include "services/json_codec.h"

namespace orderstream::cli {

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

Status post_customers(LoadClient& client, const std::vector<services::Customer>& customers) {
  for (const services::Customer& c : customers) {
    HttpReply r = client.request(boost::beast::http::verb::post, "/v1/customers", services::to_json(c));
    if (r.status != 201)
      return io_error("POST /v1/customers (id " + std::to_string(c.id) + ") answered " +
                      std::to_string(r.status) + ": " + r.body);
  }
  return Status::ok();
}

}  // namespace orderstream::cli
