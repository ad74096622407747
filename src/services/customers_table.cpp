#include "services/customers_table.h"

#include "services/json_codec.h"

namespace orderstream::services {
namespace {

class CustomersTableProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.key) return invalid_argument("customer record without a key");
    if (!r.value) {
      ctx.del(kCustomersStore, *r.key);
      return Status::ok();
    }
    OS_ASSIGN_OR_RETURN(Customer c, customer_from_json(*r.value));
    if (std::to_string(c.id) != *r.key)
      return invalid_argument("customer record key '" + std::string(*r.key) + "' is not its id");
    ctx.put(kCustomersStore, *r.key, std::string(*r.value));
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<stream::Processor> make_customers_table_processor() {
  return std::make_unique<CustomersTableProcessor>();
}

}  // namespace orderstream::services
