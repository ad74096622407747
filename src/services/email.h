// Email service (docs/reference.md "Email"). Payments are rekeyed by order id through
// payments-by-order; then orders join payments within a window either side on event time
// (stream::WindowedJoin), each pair looks its customer up in the customers global table, and
// becomes exactly one email, handed to the Emailer. An order's later state records and a
// redelivered payment are duplicates on their side of the join and never yield a second email;
// the email commits with the step's offsets, so restarts neither lose nor repeat one. A pair
// whose customer is unknown (GlobalKTable inner join) sends nothing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "services/emailer.h"
#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kEmailSubTopology = "email";

struct EmailOptions {
  int64_t window_ms = 60 * 1000;  // a payment may be this far before or after its order
  int64_t grace_ms = 60 * 1000;   // how late (behind stream time) a record may still join
  // Builds each task's emailer; default make_topic_emailer.
  std::function<std::unique_ptr<Emailer>()> make_emailer = make_topic_emailer;
};

// Renders the email of one (order, payment) pair for `customer`.
Email render_email(const Customer& customer, const Order& order, const Payment& payment);

std::unique_ptr<stream::Processor> make_payments_rekey_processor();
std::unique_ptr<stream::Processor> make_email_processor(const EmailOptions& options);
// The email step's stores (its join's), for SubTopology::stores.
std::vector<std::string> email_store_names(const EmailOptions& options);

}  // namespace orderstream::services
