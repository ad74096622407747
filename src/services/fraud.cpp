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
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (order.state != OrderState::kCreated) return Status::ok();
    ctx.emit(topics::kOrdersByCustomer, std::to_string(order.customer_id), std::string(*r.value),
             r.timestamp_ms);
    return Status::ok();
  }
};

class FraudProcessor final : public stream::Processor {
 public:
  explicit FraudProcessor(FraudOptions o) : o_(o) {}

  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (order.state != OrderState::kCreated) return Status::ok();
    // An order is counted once: a duplicate CREATED record (or the rekey's re-emission after
    // reset-service) must not add its value to the session a second time.
    OS_ASSIGN_OR_RETURN(std::optional<std::string> seen, ctx.get(kFraudOrdersStore, order.id));
    if (seen) return Status::ok();
    std::string customer = std::to_string(order.customer_id);
    OS_ASSIGN_OR_RETURN(std::optional<std::string> stored, ctx.get(kFraudSessionsStore, customer));
    std::vector<Session> sessions = stored ? decode_sessions(*stored) : std::vector<Session>{};
    // A negative value (negative quantity or price; order details FAILs such orders) must not
    // lower the session total: it would let later orders of a session that crossed the limit pass.
    double value = std::max(0.0, static_cast<double>(order.quantity) * order.price);
    double total = add_to_sessions(&sessions, r.timestamp_ms, value, o_.session_gap_ms);
    int64_t horizon = ctx.stream_time_ms() - o_.retention_ms;
    std::erase_if(sessions, [&](const Session& s) { return s.end_ms < horizon; });
    ctx.put(kFraudSessionsStore, customer, encode_sessions(sessions));
    ValidationResult result = total >= o_.limit ? ValidationResult::kFail : ValidationResult::kPass;
    ctx.put(kFraudOrdersStore, order.id, result == ValidationResult::kPass ? "P" : "F");
    emit_validation(ctx, order.id, CheckType::kFraudCheck, result, r.timestamp_ms);
    return Status::ok();
  }

 private:
  FraudOptions o_;
};

}  // namespace

std::string encode_sessions(const std::vector<Session>& sessions) {
  std::string out;
  char buf[96];
  for (const Session& s : sessions) {
    // %.17g round-trips a double exactly, so replays recompute the same totals.
    std::snprintf(buf, sizeof(buf), "%lld %lld %.17g\n", static_cast<long long>(s.start_ms),
                  static_cast<long long>(s.end_ms), s.total);
    out += buf;
  }
  return out;
}

std::vector<Session> decode_sessions(std::string_view text) {
  std::vector<Session> out;
  std::string copy(text);
  const char* p = copy.c_str();
  while (*p) {
    char* end = nullptr;
    Session s;
    s.start_ms = std::strtoll(p, &end, 10);
    s.end_ms = std::strtoll(end, &end, 10);
    s.total = std::strtod(end, &end);
    if (end == p) break;
    out.push_back(s);
    p = end;
    while (*p == '\n') ++p;
  }
  return out;
}

double add_to_sessions(std::vector<Session>* sessions, int64_t ts, double value, int64_t gap_ms) {
  Session merged{ts, ts, value};
  std::vector<Session> kept;
  for (const Session& s : *sessions) {
    bool touches = s.end_ms + gap_ms >= ts && s.start_ms - gap_ms <= ts;
    if (touches) {
      merged.start_ms = std::min(merged.start_ms, s.start_ms);
      merged.end_ms = std::max(merged.end_ms, s.end_ms);
      merged.total += s.total;
    } else {
      kept.push_back(s);
    }
  }
  kept.push_back(merged);
  std::sort(kept.begin(), kept.end(),
            [](const Session& a, const Session& b) { return a.start_ms < b.start_ms; });
  *sessions = std::move(kept);
  return merged.total;
}

std::unique_ptr<stream::Processor> make_fraud_rekey_processor() {
  return std::make_unique<FraudRekeyProcessor>();
}
std::unique_ptr<stream::Processor> make_fraud_processor(FraudOptions options) {
  return std::make_unique<FraudProcessor>(options);
}

}  // namespace orderstream::services
