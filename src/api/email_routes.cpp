// GET /v1/emails?customerId=N: the emails the email service sent to one customer, as a JSON
// array (by order id, then payment id), read from the emails view.
#include <charconv>

#include "api/api.h"
#include "api/durable_answer.h"
#include "services/emails_view.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

void add_email_routes(Router& router, const std::shared_ptr<const OrdersContext>& ctx) {
  router.add(bhttp::verb::get, "/v1/emails", [ctx](RouteRequest&& r, Responder res) {
    auto it = r.query.find("customerId");
    if (it == r.query.end())
      return res.send(status_response(invalid_argument("query parameter 'customerId' is required")));
    const std::string& s = it->second;
    int64_t id = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size())
      return res.send(status_response(invalid_argument("customerId must be an integer")));
    if (route_to_owner(*ctx, services::kEmailsViewSubTopology, std::to_string(id), r, res, kForwardMargin)) return;
    auto emails = ctx->orders->find_emails(id);
    if (!emails.ok()) return res.send(status_response(emails.status()));
    std::string body = "[";
    for (size_t i = 0; i < emails->size(); ++i) body += (i ? "," : "") + (*emails)[i];
    send_durable(*ctx->base, res, json_response(bhttp::status::ok, body + "]"));
  });
}

}  // namespace orderstream::api
