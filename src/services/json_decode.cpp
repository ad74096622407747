// Strict JSON decoders (see json_codec.h for the rules and error messages).
#include <array>

#include "services/json_codec.h"
#include "services/json_reader.h"

namespace orderstream::services {
namespace {

using simdjson::dom::element;
namespace jr = json_reader;

using Specs = std::span<const jr::FieldSpec>;

constexpr jr::FieldSpec kOrderFields[] = {
    {"id", true},       {"customerId", true, "int64"}, {"state", true},
    {"product", false}, {"quantity", true, "int32"},   {"price", true, "double"},
};
constexpr jr::FieldSpec kOrderValidationFields[] = {
    {"orderId", true}, {"checkType", true}, {"validationResult", true}};
constexpr jr::FieldSpec kPaymentFields[] = {
    {"id", true}, {"orderId", true}, {"ccy", true}, {"amount", true, "double"}};
constexpr jr::FieldSpec kCustomerFields[] = {{"id", true, "int64"}, {"firstName", true},
                                             {"lastName", true},    {"email", true},
                                             {"address", true},     {"level", false}};
constexpr jr::FieldSpec kOrderEnrichedFields[] = {
    {"id", true}, {"customerId", true, "int64"}, {"customerLevel", true}};
constexpr jr::FieldSpec kInventoryFields[] = {{"stock", true, "int64"}};

Status read_stock(element v, std::string_view name, int64_t& out) {
  OS_RETURN_IF_ERROR(jr::read_int64(v, name, out));
  if (out < 0) return jr::field_error(name, "must be >= 0");
  return Status::ok();
}

}  // namespace

std::optional<OrderState> peek_order_state(std::string_view json) {
  // Inside a JSON string every '"' is escaped, so `"state":"` can only be a member name and
  // its string value: the text is unambiguous once the pattern occurs exactly once.
  constexpr std::string_view kPattern = "\"state\":\"";
  size_t at = json.find(kPattern);
  if (at == std::string_view::npos || json.find(kPattern, at + 1) != std::string_view::npos)
    return std::nullopt;
  size_t begin = at + kPattern.size();
  size_t end = json.find('"', begin);
  if (end == std::string_view::npos) return std::nullopt;
  return parse_order_state(json.substr(begin, end - begin));
}

Result<Order> order_from_json(std::string_view json, bool allow_missing_product) {
  Order o;
  OS_RETURN_IF_ERROR(jr::walk_object(json, Specs(kOrderFields), [&](size_t i, element v) {
    const std::string_view name = kOrderFields[i].name;
    switch (i) {
      case 0:
        return jr::read_id(v, name, o.id);
      case 1:
        return jr::read_int64(v, name, o.customer_id);
      case 2:
        return jr::read_enum(v, name, kAllOrderStates, o.state);
      case 3: {
        if (v.is_null()) return Status::ok();  // null is absent
        Product p{};
        OS_RETURN_IF_ERROR(jr::read_enum(v, name, kAllProducts, p));
        o.product = p;
        return Status::ok();
      }
      case 4:
        return jr::read_int32(v, name, o.quantity);
      default:
        return jr::read_double(v, name, o.price);
    }
  }));
  if (!allow_missing_product && !o.product) {
    return invalid_argument("missing required field 'product'");
  }
  return o;
}

Result<OrderValidation> order_validation_from_json(std::string_view json) {
  OrderValidation o;
  OS_RETURN_IF_ERROR(jr::walk_object(json, Specs(kOrderValidationFields), [&](size_t i, element v) {
    const std::string_view name = kOrderValidationFields[i].name;
    switch (i) {
      case 0:
        return jr::read_id(v, name, o.order_id);
      case 1:
        return jr::read_enum(v, name, kAllCheckTypes, o.check_type);
      default:
        return jr::read_enum(v, name, kAllValidationResults, o.result);
    }
  }));
  return o;
}

Result<Payment> payment_from_json(std::string_view json) {
  Payment p;
  OS_RETURN_IF_ERROR(jr::walk_object(json, Specs(kPaymentFields), [&](size_t i, element v) {
    const std::string_view name = kPaymentFields[i].name;
    switch (i) {
      case 0:
        return jr::read_id(v, name, p.id);
      case 1:
        return jr::read_id(v, name, p.order_id);
      case 2:
        return jr::read_string(v, name, p.ccy);
      default:
        return jr::read_double(v, name, p.amount);
    }
  }));
  return p;
}

Result<Customer> customer_from_json(std::string_view json) {
  Customer c;
  OS_RETURN_IF_ERROR(jr::walk_object(json, Specs(kCustomerFields), [&](size_t i, element v) {
    const std::string_view name = kCustomerFields[i].name;
    switch (i) {
      case 0:
        return jr::read_int64(v, name, c.id);
      case 1:
        return jr::read_string(v, name, c.first_name);
      case 2:
        return jr::read_string(v, name, c.last_name);
      case 3:
        return jr::read_string(v, name, c.email);
      case 4:
        return jr::read_string(v, name, c.address);
      default:
        if (v.is_null()) return Status::ok();  // null is absent: the default level stays
        return jr::read_customer_level(v, name, c.level);
    }
  }));
  return c;
}

Result<OrderEnriched> order_enriched_from_json(std::string_view json) {
  OrderEnriched o;
  OS_RETURN_IF_ERROR(jr::walk_object(json, Specs(kOrderEnrichedFields), [&](size_t i, element v) {
    const std::string_view name = kOrderEnrichedFields[i].name;
    switch (i) {
      case 0:
        return jr::read_id(v, name, o.id);
      case 1:
        return jr::read_int64(v, name, o.customer_id);
      default:
        return jr::read_customer_level(v, name, o.customer_level);
    }
  }));
  return o;
}

Result<InventoryLevel> inventory_level_from_json(std::string_view json) {
  InventoryLevel l;
  OS_RETURN_IF_ERROR(jr::walk_object(json, Specs(kInventoryFields), [&](size_t, element v) {
    return read_stock(v, kInventoryFields[0].name, l.stock);
  }));
  return l;
}

Result<int64_t> stock_from_body_json(std::string_view json) {
  OS_ASSIGN_OR_RETURN(InventoryLevel l, inventory_level_from_json(json));
  return l.stock;
}

Result<int64_t> stock_from_log_json(std::string_view json) {
  static constexpr jr::FieldSpec kStockValue[] = {{"stock", true, "int64"}};
  auto root = jr::parse_document(json, Specs(kStockValue));
  if (!root.ok()) {
    // A lone number simdjson cannot represent has no field to name; say what is expected.
    if (root.status().message().find("number") != std::string::npos) {
      return invalid_argument("stock must be an integer in 0..9223372036854775807 (" +
                              root.status().message() + ")");
    }
    return root.status();
  }
  if (!root->is_number()) return invalid_argument("stock must be a JSON integer");
  int64_t stock = 0;
  OS_RETURN_IF_ERROR(read_stock(*root, "stock", stock));
  return stock;
}

}  // namespace orderstream::services
