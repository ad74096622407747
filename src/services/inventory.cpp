#include "services/inventory.h"

#include <charconv>

#include "services/validation_emit.h"

namespace orderstream::services {
namespace {

int64_t parse_i64(const std::optional<std::string>& s) {
  int64_t v = 0;
  if (s) std::from_chars(s->data(), s->data() + s->size(), v);
  return v;
}

// Forwards CREATED orders (to be checked) and FAILED ones (to release their reservation) to the
// task that owns the product. An order without a product cannot be routed: it FAILs here.
class InventoryRekeyProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (order.state != OrderState::kCreated && order.state != OrderState::kFailed &&
        order.state != OrderState::kValidated)
      return Status::ok();
    if (!order.product) {
      if (order.state == OrderState::kCreated)
        emit_validation(ctx, order.id, CheckType::kInventoryCheck, ValidationResult::kFail,
                        r.timestamp_ms);
      return Status::ok();
    }
    ctx.emit(topics::kOrdersByProduct, std::string(to_string(*order.product)),
             std::string(*r.value), r.timestamp_ms);
    return Status::ok();
  }
};

// The per-order entry of the "orders" store:
//   "R<qty>"  checked, PASSed, qty reserved (released if the order ends FAILED)
//   "F"       checked, FAILed (nothing reserved)
//   "D"       done: the reservation was released (FAILED) or became final (VALIDATED)
class InventoryProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (r.topic == topics::kWarehouseInventory) return on_stock(r, ctx);
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (!order.product) return invalid_argument("order without product in orders-by-product");
    std::string product(to_string(*order.product));
    OS_ASSIGN_OR_RETURN(std::optional<std::string> entry, ctx.get(kInventoryOrdersStore, order.id));
    if (order.state == OrderState::kCreated) {
      if (entry) return Status::ok();  // a duplicate CREATED record: checked once already
      OS_ASSIGN_OR_RETURN(std::optional<std::string> stock, ctx.get(kInventoryStockStore, product));
      OS_ASSIGN_OR_RETURN(std::optional<std::string> reserved, ctx.get(kInventoryReservedStore, product));
      int64_t available = parse_i64(stock) - parse_i64(reserved);
      // A negative quantity must not create stock; order details FAILs it anyway.
      bool pass = order.quantity >= 0 && available - order.quantity >= 0;
      if (pass) {
        ctx.put(kInventoryReservedStore, product, std::to_string(parse_i64(reserved) + order.quantity));
        ctx.put(kInventoryOrdersStore, order.id, "R" + std::to_string(order.quantity));
      } else {
        ctx.put(kInventoryOrdersStore, order.id, "F");
      }
      emit_validation(ctx, order.id, CheckType::kInventoryCheck,
                      pass ? ValidationResult::kPass : ValidationResult::kFail, r.timestamp_ms);
      return Status::ok();
    }
    if (!entry || entry->empty() || (*entry)[0] != 'R') return Status::ok();
    if (order.state == OrderState::kFailed) {
      int64_t qty = parse_i64(entry->substr(1));
      OS_ASSIGN_OR_RETURN(std::optional<std::string> reserved, ctx.get(kInventoryReservedStore, product));
      ctx.put(kInventoryReservedStore, product, std::to_string(parse_i64(reserved) - qty));
    }
    ctx.put(kInventoryOrdersStore, order.id, "D");
    return Status::ok();
  }

 private:
  Status on_stock(const stream::InputRecord& r, stream::TaskContext& ctx) {
    if (!r.key) return invalid_argument("warehouse-inventory record without a product key");
    if (!r.value) {
      ctx.del(kInventoryStockStore, *r.key);
      return Status::ok();
    }
    OS_ASSIGN_OR_RETURN(int64_t stock, stock_from_log_json(*r.value));
    ctx.put(kInventoryStockStore, *r.key, std::to_string(stock));
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<stream::Processor> make_inventory_rekey_processor() {
  return std::make_unique<InventoryRekeyProcessor>();
}
std::unique_ptr<stream::Processor> make_inventory_processor() {
  return std::make_unique<InventoryProcessor>();
}

}  // namespace orderstream::services
