#include "services/emails_view.h"

#include <simdjson.h>

namespace orderstream::services {
namespace {

class EmailsViewProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return invalid_argument("tombstone in the emails topic");
    // The email service wrote this record; read back only the ids the index needs.
    simdjson::padded_string json(*r.value);
    simdjson::dom::element doc;
    if (parser_.parse(json).get(doc)) return invalid_argument("email record is not JSON");
    int64_t customer = 0;
    std::string_view order, payment;
    if (doc["customerId"].get(customer) || doc["orderId"].get(order) || doc["paymentId"].get(payment))
      return invalid_argument("email record lacks customerId, orderId or paymentId");
    std::string key = emails_view_prefix(customer);
    key.append(order).push_back('\0');
    key.append(payment);
    ctx.put(kEmailsViewStore, key, std::string(*r.value));
    return Status::ok();
  }

 private:
  simdjson::dom::parser parser_;
};

}  // namespace

std::string emails_view_prefix(int64_t customer_id) {
  std::string p = std::to_string(customer_id);
  p.push_back('\0');
  return p;
}

std::unique_ptr<stream::Processor> make_emails_view_processor() {
  return std::make_unique<EmailsViewProcessor>();
}

}  // namespace orderstream::services
