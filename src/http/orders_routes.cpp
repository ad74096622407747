// POST /v1/orders, GET /v1/orders/{id}, GET /v1/orders/{id}/validated.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <charconv>

#include "http/api.h"
#include "services/json_codec.h"

namespace orderstream::http {

namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

Result<int> parse_timeout(const RouteRequest& r, const ApiContext& ctx) {
  auto it = r.query.find("timeout");
  if (it == r.query.end()) return ctx.default_timeout_ms;
  int ms = -1;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
  if (ec != std::errc() || p != s.data() + s.size() || ms < 0 || ms > ctx.max_timeout_ms)
    return invalid_argument("timeout must be an integer number of milliseconds in 0.." +
                            std::to_string(ctx.max_timeout_ms));
  return ms;
}

Result<std::optional<std::chrono::milliseconds>> parse_stream_timeout(const RouteRequest& r, const ApiContext& ctx) {
  if (!r.query.count("timeout")) return std::optional<std::chrono::milliseconds>();
  OS_ASSIGN_OR_RETURN(int ms, parse_timeout(r, ctx));
  return std::optional(std::chrono::milliseconds(ms));
}

namespace {

Response order_response(bhttp::status st, const services::Order& o) {
  return json_response(st, services::to_json(o));
}

void post_order(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, Responder res) {
  auto order = services::order_from_json(r.req.body(), /*allow_missing_product=*/false);
  if (!order.ok()) return res.send(status_response(order.status()));
  if (order->state != services::OrderState::kCreated)
    return res.send(status_response(invalid_argument(
        "a new order must have state CREATED, not " + std::string(services::to_string(order->state)))));
  // Ids may hold '?', '#', '%' or spaces: the Location must still name this order.
  std::string location = "/v1/orders/" + url_encode_segment(order->id);
  auto o = *order;
  Status st = ctx->orders->submit_order(
      o, [res, o, location](Result<services::SubmitOutcome> outcome) {
        if (!outcome.ok()) return res.send(status_response(outcome.status()));
        // An identical re-POST is answered like the first: the order exists as posted.
        Response rsp = order_response(bhttp::status::created, o);
        rsp.set(bhttp::field::location, location);
        res.send(std::move(rsp));
      });
  if (!st.is_ok()) res.send(status_response(st));
}

void get_order(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, Responder res,
               bool final_only) {
  const std::string& id = r.params["id"];
  if (Status st = services::check_id("id", id); !st.is_ok()) return res.send(status_response(st));
  auto timeout = parse_timeout(r, *ctx);
  if (!timeout.ok()) return res.send(status_response(timeout.status()));
  auto strand = asio::make_strand(*ctx->io);
  auto timer = std::make_shared<asio::steady_timer>(strand);
  // The waiter completes from the orders view's thread; the timer lives on the strand.
  auto waiter = ctx->orders->wait_order(id, final_only, [res, timer, strand](const services::Order& o) {
    res.send(order_response(bhttp::status::ok, o));
    asio::post(strand, [timer] { timer->cancel(); });
  });
  asio::post(strand, [ctx, timer, waiter, res, id, final_only, ms = *timeout] {
    timer->expires_after(std::chrono::milliseconds(ms));
    timer->async_wait([ctx, waiter, res, id, final_only, ms](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the order arrived
      if (!ctx->orders->cancel_wait(waiter)) return;  // completed at the same moment
      std::string what = final_only ? "to be validated or failed" : "to exist";
      res.send(error_response(bhttp::status::gateway_timeout, "Timeout",
                              "order '" + id + "' did not come " + what + " within " +
                                  std::to_string(ms) + " ms"));
    });
  });
}

}  // namespace

void add_order_routes(Router& router, const std::shared_ptr<ApiContext>& ctx) {
  router.add(bhttp::verb::post, "/v1/orders",
             [ctx](RouteRequest&& r, Responder res) { post_order(ctx, std::move(r), res); });
  router.add(bhttp::verb::get, "/v1/orders/{id}",
             [ctx](RouteRequest&& r, Responder res) { get_order(ctx, std::move(r), res, false); });
  router.add(bhttp::verb::get, "/v1/orders/{id}/validated",
             [ctx](RouteRequest&& r, Responder res) { get_order(ctx, std::move(r), res, true); });
}

}  // namespace orderstream::http
