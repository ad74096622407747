#include "services/aggregator.h"

#include <algorithm>
#include <cstdlib>

#include "services/validation_emit.h"

namespace orderstream::services {
namespace {

constexpr const char* kOrdersStore = "orders";  // order id -> the CREATED order's JSON
constexpr const char* kChecksStore = "checks";  // order id -> progress, see Progress

// Progress of one order: which rules passed, whether one failed, whether it is decided.
struct Progress {
  unsigned passed = 0;
  bool failed = false;
  bool done = false;

  std::string encode() const {
    return std::to_string(passed) + (failed ? "F" : "") + (done ? "D" : "");
  }
  static Progress decode(const std::string& s) {
    Progress p;
    p.passed = static_cast<unsigned>(std::strtoul(s.c_str(), nullptr, 10));
    p.failed = s.find('F') != std::string::npos;
    p.done = s.find('D') != std::string::npos;
    return p;
  }
};

unsigned bit(CheckType c) { return 1u << static_cast<unsigned>(c); }

class AggregatorProcessor final : public stream::Processor {
 public:
  explicit AggregatorProcessor(std::vector<CheckType> rules) {
    for (CheckType c : rules) all_ |= bit(c);
  }

  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return invalid_argument("tombstone in " + r.topic);
    std::string id;
    if (r.topic == topics::kOrders) {
      if (plainly_not_created(r)) return Status::ok();  // our own output, or later
      OS_ASSIGN_OR_RETURN(Order order, order_from_json(*r.value, true));
      if (order.state != OrderState::kCreated) return Status::ok();  // our own output, or later
      id = order.id;
      OS_ASSIGN_OR_RETURN(std::optional<std::string> known, ctx.get(kOrdersStore, id));
      OS_ASSIGN_OR_RETURN(std::optional<std::string> prog, ctx.get(kChecksStore, id));
      if (known || (prog && Progress::decode(*prog).done)) return Status::ok();
      ctx.put(kOrdersStore, id, std::string(*r.value));
    } else {
      OS_ASSIGN_OR_RETURN(OrderValidation v, order_validation_from_json(*r.value));
      id = v.order_id;
      OS_ASSIGN_OR_RETURN(std::optional<std::string> prog, ctx.get(kChecksStore, id));
      Progress p = prog ? Progress::decode(*prog) : Progress{};
      if (p.done) return Status::ok();  // decided already: a late or duplicate validation
      if ((bit(v.check_type) & all_) == 0) return Status::ok();  // not a configured rule
      if (v.result == ValidationResult::kPass) p.passed |= bit(v.check_type);
      else p.failed = true;
      ctx.put(kChecksStore, id, p.encode());
    }
    return try_decide(id, r.timestamp_ms, ctx);
  }

 private:
  Status try_decide(const std::string& id, int64_t ts, stream::TaskContext& ctx) {
    OS_ASSIGN_OR_RETURN(std::optional<std::string> prog, ctx.get(kChecksStore, id));
    OS_ASSIGN_OR_RETURN(std::optional<std::string> json, ctx.get(kOrdersStore, id));
    if (!prog || !json) return Status::ok();  // waiting for the order or a validation
    Progress p = Progress::decode(*prog);
    if (p.done || (!p.failed && (p.passed & all_) != all_)) return Status::ok();
    OS_ASSIGN_OR_RETURN(Order order, order_from_json(*json, true));
    order.state = p.failed ? OrderState::kFailed : OrderState::kValidated;
    ctx.emit(topics::kOrders, order.id, to_json(order), ts);
    p.done = true;
    ctx.put(kChecksStore, id, p.encode());
    ctx.del(kOrdersStore, id);  // the decision is all that must be remembered
    return Status::ok();
  }

  unsigned all_ = 0;
};

}  // namespace

std::unique_ptr<stream::Processor> make_aggregator_processor(std::vector<CheckType> rules) {
  return std::make_unique<AggregatorProcessor>(std::move(rules));
}

Result<std::vector<CheckType>> parse_rules(std::string_view csv) {
  const std::string whole(csv);
  std::vector<CheckType> rules;
  for (;;) {
    size_t comma = csv.find(',');
    std::string_view name = csv.substr(0, comma);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.empty()) {
      if (comma == std::string_view::npos && rules.empty())
        return invalid_argument("the rule set must name at least one check");
      return invalid_argument("empty rule name in '" + whole + "'");
    }
    auto c = parse_check_type(name);
    if (!c)
      return invalid_argument("unknown rule '" + std::string(name) +
                              "' (accepted: INVENTORY_CHECK, FRAUD_CHECK, ORDER_DETAILS_CHECK)");
    if (std::find(rules.begin(), rules.end(), *c) == rules.end()) rules.push_back(*c);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return rules;
}

}  // namespace orderstream::services
