// Emailer: where the email service hands each email. It is called inside the stream step that
// produced the email, so an emailer that writes through the TaskContext (the default: a record
// on the `emails` topic, the outbox a person or a mail relay reads) is exactly-once. One that
// talks to the outside world should do so in ctx.after_commit, which runs once per committed
// email (at most once across a crash), or read the outbox topic instead.
#pragma once

#include <memory>

#include "services/model.h"
#include "stream/processor.h"

namespace orderstream::services {

class Emailer {
 public:
  virtual ~Emailer() = default;
  virtual void send(stream::TaskContext& ctx, const Email& email, int64_t timestamp_ms) = 0;
};

// Appends each email as JSON (json_codec.h) to topics::kEmails, keyed by customer id.
std::unique_ptr<Emailer> make_topic_emailer();

}  // namespace orderstream::services
