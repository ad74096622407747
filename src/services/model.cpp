#include "services/model.h"

#include <algorithm>

#include "common/check.h"

namespace orderstream::services {
namespace {

// Index i of kNames is the wire name of enumerator value i.
template <class Enum, size_t N>
std::string_view name_of(Enum v, const std::array<std::string_view, N>& names) {
  const auto i = static_cast<size_t>(v);
  OS_CHECK(i < N);
  return names[i];
}

template <class Enum, size_t N>
std::optional<Enum> parse_name(std::string_view s, const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kOrderStateNames{"CREATED", "VALIDATED", "FAILED",
                                                           "SHIPPED"};
constexpr std::array<std::string_view, 3> kProductNames{"JUMPERS", "UNDERPANTS", "STOCKINGS"};
constexpr std::array<std::string_view, 3> kCheckTypeNames{"INVENTORY_CHECK", "FRAUD_CHECK",
                                                          "ORDER_DETAILS_CHECK"};
constexpr std::array<std::string_view, 3> kValidationResultNames{"PASS", "FAIL", "ERROR"};

static_assert(kOrderStateNames.size() == kAllOrderStates.size());
static_assert(kProductNames.size() == kAllProducts.size());
static_assert(kCheckTypeNames.size() == kAllCheckTypes.size());
static_assert(kValidationResultNames.size() == kAllValidationResults.size());

}  // namespace

std::string_view to_string(OrderState v) { return name_of(v, kOrderStateNames); }
std::string_view to_string(Product v) { return name_of(v, kProductNames); }
std::string_view to_string(CheckType v) { return name_of(v, kCheckTypeNames); }
std::string_view to_string(ValidationResult v) { return name_of(v, kValidationResultNames); }

std::optional<OrderState> parse_order_state(std::string_view s) {
  return parse_name<OrderState>(s, kOrderStateNames);
}
std::optional<Product> parse_product(std::string_view s) {
  return parse_name<Product>(s, kProductNames);
}
std::optional<CheckType> parse_check_type(std::string_view s) {
  return parse_name<CheckType>(s, kCheckTypeNames);
}
std::optional<ValidationResult> parse_validation_result(std::string_view s) {
  return parse_name<ValidationResult>(s, kValidationResultNames);
}

bool is_customer_level(std::string_view s) {
  return std::find(kCustomerLevels.begin(), kCustomerLevels.end(), s) != kCustomerLevels.end();
}

Status check_id(std::string_view field, std::string_view id) {
  const std::string f(field);
  if (id.empty()) return invalid_argument("field '" + f + "' must not be empty");
  if (id.size() > kMaxIdLength) {
    return invalid_argument("field '" + f + "' must be at most " + std::to_string(kMaxIdLength) +
                            " bytes (got " + std::to_string(id.size()) + ")");
  }
  // A URL path segment "." or ".." is removed by clients that normalize dot segments (RFC 3986
  // 5.2.4), so such an order could be created but never fetched.
  if (id == "." || id == "..") return invalid_argument("field '" + f + "' must not be '.' or '..'");
  for (size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c > 0x7E || c == '/') {
      return invalid_argument("field '" + f + "' has a disallowed byte at position " +
                              std::to_string(i) +
                              " (ids are printable ASCII without '/' or control characters)");
    }
  }
  return Status::ok();
}

}  // namespace orderstream::services
