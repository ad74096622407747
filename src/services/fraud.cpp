#include "services/fraud.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "services/validation_emit.h"

namespace orderstream::services {
namespace {

class FraudRekeyProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (plainly_not_created(r)) return Status::ok();
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (order.state != OrderState::kCreated) return Status::ok();
    ctx.emit(topics::kOrdersByCustomer, std::to_string(order.customer_id), std::string(*r.value),
             r.timestamp_ms);
    return Status::ok();
  }
};

// Session totals are kept as text with %.17g, which round-trips a double exactly, so replays
// recompute the same totals.
std::string format_total(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}
double parse_total(std::string_view s) { return s.empty() ? 0.0 : std::strtod(std::string(s).c_str(), nullptr); }

class FraudProcessor final : public stream::Processor {
 public:
  explicit FraudProcessor(FraudOptions o) : o_(o), sessions_(fraud_session_store(o)) {}

  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (order.state != OrderState::kCreated) return Status::ok();
    // An order is counted once: a duplicate CREATED record (or the rekey's re-emission after
    // reset-service) must not add its value to the session a second time.
    OS_ASSIGN_OR_RETURN(std::optional<std::string> seen, ctx.get(kFraudOrdersStore, order.id));
    if (seen) return Status::ok();
    // A negative value (negative quantity or price; order details FAILs such orders) must not
    // lower the session total: it would let later orders of a session that crossed the limit pass.
    double value = std::max(0.0, static_cast<double>(order.quantity) * order.price);
    OS_ASSIGN_OR_RETURN(
        stream::SessionWindow session,
        sessions_.add(
            ctx, std::to_string(order.customer_id), r.timestamp_ms,
            [&](std::string_view total) { return format_total(parse_total(total) + value); },
            [](std::string_view a, std::string_view b) {
              return format_total(parse_total(a) + parse_total(b));
            }));
    double total = parse_total(session.aggregate);
    ValidationResult result = total >= o_.limit ? ValidationResult::kFail : ValidationResult::kPass;
    ctx.put(kFraudOrdersStore, order.id, result == ValidationResult::kPass ? "P" : "F");
    emit_validation(ctx, order.id, CheckType::kFraudCheck, result, r.timestamp_ms);
    return Status::ok();
  }

 private:
  FraudOptions o_;
  stream::SessionStore sessions_;
};

}  // namespace

stream::SessionStore fraud_session_store(const FraudOptions& options) {
  return stream::SessionStore(kFraudSessionsStore, options.session_gap_ms, options.retention_ms);
}

std::vector<std::string> fraud_store_names() {
  std::vector<std::string> names = fraud_session_store(FraudOptions{}).store_names();
  names.push_back(kFraudOrdersStore);
  return names;
}

std::unique_ptr<stream::Processor> make_fraud_rekey_processor() {
  return std::make_unique<FraudRekeyProcessor>();
}
std::unique_ptr<stream::Processor> make_fraud_processor(FraudOptions options) {
  return std::make_unique<FraudProcessor>(options);
}

}  // namespace orderstream::services
