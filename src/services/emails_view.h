// Emails view: indexes the emails topic by customer, so GET /v1/emails?customerId= reads one
// customer's emails without scanning the topic. Store key: <customer id> NUL <order id> NUL
// <payment id>; value: the email JSON. Per task (the emails topic is keyed by customer id).
#pragma once

#include <memory>
#include <string>

#include "stream/processor.h"

namespace orderstream::services {

inline constexpr const char* kEmailsViewSubTopology = "emails-view";
inline constexpr const char* kEmailsViewStore = "emails";

// The store key prefix of one customer's emails.
std::string emails_view_prefix(int64_t customer_id);

std::unique_ptr<stream::Processor> make_emails_view_processor();

}  // namespace orderstream::services
