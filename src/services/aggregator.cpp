#include "services/aggregator.h"

#include <algorithm>
#include <string_view>

#include "services/validation_emit.h"

namespace orderstream::services {
namespace {

// One entry per order: its progress, followed while undecided by the CREATED order's JSON, so
// that an order costs one key (written once per step, each step's writes merged per key) instead
// of a second store written at CREATED and deleted at the decision.
constexpr const char* kChecksStore = "checks";
// Where releases before 2026-12-08 kept the undecided orders' JSON: still read, so that an
// order pending across the upgrade is decided, and cleared when it is.
constexpr const char* kLegacyOrdersStore = "orders";

// Progress of one order: which rules passed, whether one failed, whether it is decided, and the
// order while it is not. Encoded as digits, 'F', 'D', then the JSON (which starts with '{').
struct Progress {
  unsigned passed = 0;
  bool failed = false;
  bool done = false;
  std::string order_json;

  std::string encode() const {
    return std::to_string(passed) + (failed ? "F" : "") + (done ? "D" : "") + (done ? "" : order_json);
  }
  static Progress decode(std::string_view s) {
    Progress p;
    size_t json = std::min(s.find('{'), s.size());
    std::string_view head = s.substr(0, json);
    for (char c : head) {
      if (c >= '0' && c <= '9') p.passed = p.passed * 10 + static_cast<unsigned>(c - '0');
      else if (c == 'F') p.failed = true;
      else if (c == 'D') p.done = true;
    }
    p.order_json = std::string(s.substr(json));
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
    Progress p;
    if (r.topic == topics::kOrders) {
      if (plainly_not_created(r)) return Status::ok();  // our own output, or later
      OS_ASSIGN_OR_RETURN(Order order, order_from_json(*r.value, true));
      if (order.state != OrderState::kCreated) return Status::ok();  // our own output, or later
      id = order.id;
      OS_ASSIGN_OR_RETURN(std::optional<std::string> prog, ctx.get(kChecksStore, id));
      if (prog) p = Progress::decode(*prog);
      if (p.done || !p.order_json.empty()) return Status::ok();  // decided, or a duplicate
      OS_ASSIGN_OR_RETURN(std::optional<std::string> legacy, ctx.get(kLegacyOrdersStore, id));
      if (legacy) return Status::ok();
      p.order_json = std::string(*r.value);
    } else {
      OS_ASSIGN_OR_RETURN(OrderValidation v, order_validation_from_json(*r.value));
      id = v.order_id;
      OS_ASSIGN_OR_RETURN(std::optional<std::string> prog, ctx.get(kChecksStore, id));
      if (prog) p = Progress::decode(*prog);
      if (p.done) return Status::ok();  // decided already: a late or duplicate validation
      if ((bit(v.check_type) & all_) == 0) return Status::ok();  // not a configured rule
      if (v.result == ValidationResult::kPass) p.passed |= bit(v.check_type);
      else p.failed = true;
    }
    return decide_or_keep(id, std::move(p), r.timestamp_ms, ctx);
  }

 private:
  // Emits the final order once every rule passed or one failed; otherwise stores the progress.
  Status decide_or_keep(const std::string& id, Progress p, int64_t ts, stream::TaskContext& ctx) {
    bool decided = p.failed || (p.passed & all_) == all_;
    bool legacy = false;
    if (decided && p.order_json.empty()) {
      OS_ASSIGN_OR_RETURN(std::optional<std::string> json, ctx.get(kLegacyOrdersStore, id));
      if (json) p.order_json = std::move(*json);
      legacy = json.has_value();
    }
    if (!decided || p.order_json.empty()) {  // waiting for a validation or for the order
      ctx.put(kChecksStore, id, p.encode());
      return Status::ok();
    }
    OS_ASSIGN_OR_RETURN(Order order, order_from_json(p.order_json, true));
    order.state = p.failed ? OrderState::kFailed : OrderState::kValidated;
    ctx.emit(topics::kOrders, order.id, to_json(order), ts);
    p.done = true;  // the decision is all that must be remembered
    ctx.put(kChecksStore, id, p.encode());
    if (legacy) ctx.del(kLegacyOrdersStore, id);
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
