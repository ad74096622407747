#include "services/level_routing.h"

#include "services/customers_table.h"
#include "services/json_codec.h"
#include "services/validation_emit.h"

namespace orderstream::services {
namespace {

class LevelRoutingProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (plainly_not_created(r)) return Status::ok();
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    // Once per order: its VALIDATED/FAILED records are the same order.
    if (order.state != OrderState::kCreated) return Status::ok();
    OS_ASSIGN_OR_RETURN(std::optional<std::string> c,
                        ctx.get_global(kCustomersStore, std::to_string(order.customer_id)));
    if (!c) return Status::ok();
    OS_ASSIGN_OR_RETURN(Customer customer, customer_from_json(*c));
    ctx.emit(customer.level, order.id, to_json(OrderEnriched{order.id, customer.id, customer.level}),
             r.timestamp_ms);
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<stream::Processor> make_level_routing_processor() {
  return std::make_unique<LevelRoutingProcessor>();
}

}  // namespace orderstream::services
