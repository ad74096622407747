#include "services/emailer.h"

#include "services/json_codec.h"
#include "services/topics.h"

namespace orderstream::services {
namespace {

class TopicEmailer final : public Emailer {
 public:
  void send(stream::TaskContext& ctx, const Email& email, int64_t timestamp_ms) override {
    ctx.emit(topics::kEmails, std::to_string(email.customer_id), to_json(email), timestamp_ms);
  }
};

}  // namespace

std::unique_ptr<Emailer> make_topic_emailer() { return std::make_unique<TopicEmailer>(); }

}  // namespace orderstream::services
