// The domain types of the order example (see docs/reference.md, "JSON bodies") and the wire names of
// their enums. Plain value types: no shared state, safe to use from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::services {

enum class OrderState { kCreated, kValidated, kFailed, kShipped };
enum class Product { kJumpers, kUnderpants, kStockings };
enum class CheckType { kInventoryCheck, kFraudCheck, kOrderDetailsCheck };
enum class ValidationResult { kPass, kFail, kError };

inline constexpr std::array kAllOrderStates{OrderState::kCreated, OrderState::kValidated,
                                            OrderState::kFailed, OrderState::kShipped};
inline constexpr std::array kAllProducts{Product::kJumpers, Product::kUnderpants,
                                         Product::kStockings};
inline constexpr std::array kAllCheckTypes{CheckType::kInventoryCheck, CheckType::kFraudCheck,
                                           CheckType::kOrderDetailsCheck};
inline constexpr std::array kAllValidationResults{ValidationResult::kPass, ValidationResult::kFail,
                                                  ValidationResult::kError};

// Wire names ("CREATED", "JUMPERS", "INVENTORY_CHECK", "PASS", ...). The views point to static
// storage. REQUIRES: a declared enumerator (anything else aborts: it is a bug).
std::string_view to_string(OrderState v);
std::string_view to_string(Product v);
std::string_view to_string(CheckType v);
std::string_view to_string(ValidationResult v);

// Exact, case-sensitive inverse of to_string; std::nullopt for any other text.
std::optional<OrderState> parse_order_state(std::string_view s);
std::optional<Product> parse_product(std::string_view s);
std::optional<CheckType> parse_check_type(std::string_view s);
std::optional<ValidationResult> parse_validation_result(std::string_view s);

// Customer levels, best first; they are also the names of the routing topics.
inline constexpr std::array<std::string_view, 4> kCustomerLevels{"platinum", "gold", "silver",
                                                                 "bronze"};
inline constexpr std::string_view kDefaultCustomerLevel = "bronze";
bool is_customer_level(std::string_view s);

// Ids (order and payment ids) become URL path segments and log keys, so they must be 1..128
// bytes of printable ASCII (0x20..0x7E) other than '/', and not "." or "..".
inline constexpr size_t kMaxIdLength = 128;
// OK, or InvalidArgument naming `field` ("field 'id' must not be empty", ...).
Status check_id(std::string_view field, std::string_view id);

struct Order {
  std::string id;
  int64_t customer_id = 0;
  OrderState state = OrderState::kCreated;
  // Missing is representable: the order-details check must see such an order and FAIL it.
  std::optional<Product> product;
  int32_t quantity = 0;
  double price = 0.0;
  bool operator==(const Order&) const = default;
};

struct OrderValidation {
  std::string order_id;
  CheckType check_type = CheckType::kOrderDetailsCheck;
  ValidationResult result = ValidationResult::kPass;
  bool operator==(const OrderValidation&) const = default;
};

struct Payment {
  std::string id;
  std::string order_id;
  std::string ccy;
  double amount = 0.0;
  bool operator==(const Payment&) const = default;
};

struct Customer {
  int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string address;
  std::string level = std::string(kDefaultCustomerLevel);  // one of kCustomerLevels
  bool operator==(const Customer&) const = default;
};

// An order routed to the topic named after its customer's level.
struct OrderEnriched {
  std::string id;  // the order id
  int64_t customer_id = 0;
  std::string customer_level;  // one of kCustomerLevels
  bool operator==(const OrderEnriched&) const = default;
};

// One email of the email service: an order, one of its payments, and the customer it goes to.
struct Email {
  int64_t customer_id = 0;
  std::string to;  // the customer's email address
  std::string order_id;
  std::string payment_id;
  std::string subject;
  std::string body;
  bool operator==(const Email&) const = default;
};

// The stock of one product (the warehouse-inventory topic is keyed by product name).
struct InventoryLevel {
  int64_t stock = 0;  // >= 0
  bool operator==(const InventoryLevel&) const = default;
};

}  // namespace orderstream::services
