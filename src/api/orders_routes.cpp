// POST /v1/orders (?wait=validated), GET /v1/orders/{id}, GET /v1/orders/{id}/validated.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <charconv>
#include <functional>

#include "api/api.h"
#include "api/armed_timers.h"
#include "api/durable_answer.h"
#include "services/json_codec.h"
#include "services/orders_view.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

Result<int> parse_timeout(const RouteRequest& r, const RouteBase& ctx) {
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

Result<std::optional<std::chrono::milliseconds>> parse_stream_timeout(const RouteRequest& r, const RouteBase& ctx) {
  if (!r.query.count("timeout")) return std::optional<std::chrono::milliseconds>();
  OS_ASSIGN_OR_RETURN(int ms, parse_timeout(r, ctx));
  return std::optional(std::chrono::milliseconds(ms));
}

namespace {

Response order_response(bhttp::status st, const services::Order& o) {
  return json_response(st, services::to_json(o));
}

// Waits, without blocking a thread, for order `id` to exist (final_only: to be VALIDATED or
// FAILED): calls found with it, or timed_out after ms. Exactly one of the two runs: found on
// the orders view's thread (or this one), timed_out on a strand of the io_context.
void wait_for_order(const std::shared_ptr<const OrdersContext>& ctx, const std::string& id, bool final_only,
                    int ms, std::function<void(const services::Order&)> found,
                    std::function<void()> timed_out) {
  struct Wait {
    explicit Wait(asio::strand<asio::io_context::executor_type> s) : strand(s), timer(s) {}
    asio::strand<asio::io_context::executor_type> strand;
    asio::steady_timer timer;
    bool answered = false;  // on the strand: the order came before the timer was armed
  };
  auto wait = std::make_shared<Wait>(asio::make_strand(*ctx->base->io));
  auto waiter = ctx->orders->wait_order(id, final_only, [found, wait](const services::Order& o) {
    found(o);
    asio::post(wait->strand, [wait] {
      wait->answered = true;
      wait->timer.cancel();
    });
  });
  asio::post(wait->strand, [ctx, wait, waiter, timed_out = std::move(timed_out), ms] {
    if (wait->answered) return;  // no timer left running for the whole timeout
    wait->timer.expires_after(std::chrono::milliseconds(ms));
    wait->timer.async_wait([ctx, wait, waiter, timed_out, armed = ArmedTimer::arm()](
                               const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the order arrived
      if (!ctx->orders->cancel_wait(waiter)) return;  // completed at the same moment
      timed_out();
    });
  });
}

// ?wait=validated: answer once the order is final (201 with it), or 202 when the timeout
// passes first. No ?wait: answer once the order is durably in the log.
Result<bool> parse_wait(const RouteRequest& r) {
  auto it = r.query.find("wait");
  if (it == r.query.end()) return false;
  if (it->second == "validated") return true;
  return invalid_argument("wait must be 'validated' (answer with the final order), not '" +
                          it->second + "'");
}

// POST ?wait=validated where another instance owns the order's partition: its
// GET /v1/orders/{id}/validated?timeout=ms answers, 200 becoming 201 and anything else (a
// timeout, the owner gone) 202 with the order as posted. False when the orders view here owns it.
bool wait_on_owner(const std::shared_ptr<const OrdersContext>& ctx, const std::string& id, int ms,
                   const Responder& res, const std::shared_ptr<const std::string>& json, const std::string& location,
                   const std::string& authorization) {
  KeyOwner owner = ctx->key_owner(services::kOrdersViewSubTopology, id);
  if (owner.where == KeyOwner::Where::kHere) return false;
  auto accepted = [json, location] {
    Response rsp = json_response(bhttp::status::accepted, *json);
    rsp.set(bhttp::field::location, location);
    return rsp;
  };
  if (owner.where == KeyOwner::Where::kNobody) {
    res.send(accepted());  // stored; its validation cannot be watched from here right now
    return true;
  }
  Request get{bhttp::verb::get, location + "/validated?timeout=" + std::to_string(ms), 11};
  if (!authorization.empty()) get.set(bhttp::field::authorization, authorization);
  forward_to_owner(*ctx->base->io, owner.url, get, std::chrono::milliseconds(ms) + kForwardMargin, res,
                   [accepted, location](Response in) {
                     if (in.result() == bhttp::status::ok) {
                       in.result(bhttp::status::created);
                       in.set(bhttp::field::location, location);
                       return in;
                     }
                     // Stored either way: a timeout, or an owner that moved or went away
                     // meanwhile, leaves the order accepted, its decision still to come.
                     return accepted();
                   });
  return true;
}

// Stores the order through the Orders service here and answers: 201 once stored (?wait:
// once final, 202 when the wait times out first).
void take_order(const std::shared_ptr<const OrdersContext>& ctx, const services::Order& order, bool final_only, int ms,
                const std::string& authorization, const Responder& res) {
  // Ids may hold '?', '#', '%' or spaces: the Location must still name this order.
  std::string location = "/v1/orders/" + url_encode_segment(order.id);
  auto json = std::make_shared<const std::string>(services::to_json(order));
  auto created = [json, location](bhttp::status st, std::string body) {
    Response rsp = json_response(st, std::move(body));
    rsp.set(bhttp::field::location, location);
    return rsp;
  };
  Status st = ctx->orders->submit_order(
      order, *json,
      [ctx, res, json, created, location, authorization, id = order.id, final_only, ms](
          Result<services::SubmitOutcome> outcome) {
        if (!outcome.ok()) return res.send(status_response(outcome.status()));
        // An identical re-POST is answered like the first: the order exists as posted. The
        // answer reuses the JSON the log got.
        if (!final_only) return res.send(created(bhttp::status::created, *json));
        // The Kafka backend: the final order shows in the view of the instance owning its
        // partition, so the wait happens there, as a GET.
        if (ctx->key_owner && wait_on_owner(ctx, id, ms, res, json, location, authorization)) return;
        // Registered from the io context, not the writer thread that runs this callback.
        asio::post(*ctx->base->io, [ctx, res, json, created, id, ms] {
          wait_for_order(
              ctx, id, /*final_only=*/true, ms,
              [ctx, res, created](const services::Order& o) {
                send_durable(*ctx->base, res, created(bhttp::status::created, services::to_json(o)));
              },
              [res, created, json] { res.send(created(bhttp::status::accepted, *json)); });
        });
      });
  if (!st.is_ok()) res.send(status_response(st));
}

void post_order(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res) {
  auto order = services::order_from_json(r.req.body(), /*allow_missing_product=*/false);
  if (!order.ok()) return res.send(status_response(order.status()));
  if (order->state != services::OrderState::kCreated)
    return res.send(status_response(invalid_argument(
        "a new order must have state CREATED, not " + std::string(services::to_string(order->state)))));
  auto wait = parse_wait(r);
  if (!wait.ok()) return res.send(status_response(wait.status()));
  auto timeout = parse_timeout(r, *ctx->base);
  if (!timeout.ok()) return res.send(status_response(timeout.status()));
  std::string authorization(r.req[bhttp::field::authorization]);
  // The Kafka backend: the owner of the order's partition takes the POST, so that its orders
  // view sees re-POSTs (identical: 201 again; different: 409) and it waits for the decision.
  // With no owner known or reachable (a rebalance, an instance gone) or a forwarded POST landing
  // where the owner was, it is taken here: a write never waits for a rebalance, only the
  // re-POST check is then skipped.
  if (ctx->key_owner && !r.req.count(kForwardedHeader)) {
    KeyOwner owner = ctx->key_owner(services::kOrdersViewSubTopology, order->id);
    if (owner.where == KeyOwner::Where::kThere)
      return forward_to_owner(*ctx->base->io, owner.url, r.req, std::chrono::milliseconds(*timeout) + kForwardMargin,
                              res, {}, [ctx, o = *order, final_only = *wait, ms = *timeout, authorization, res] {
                                take_order(ctx, o, final_only, ms, authorization, res);
                              });
  }
  take_order(ctx, *order, *wait, *timeout, authorization, res);
}

void get_order(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res,
               bool final_only) {
  const std::string& id = r.params["id"];
  if (Status st = services::check_id("id", id); !st.is_ok()) return res.send(status_response(st));
  auto timeout = parse_timeout(r, *ctx->base);
  if (!timeout.ok()) return res.send(status_response(timeout.status()));
  int ms = *timeout;
  if (route_to_owner(*ctx, services::kOrdersViewSubTopology, id, r, res, std::chrono::milliseconds(ms) + kForwardMargin))
    return;
  wait_for_order(
      ctx, id, final_only, ms,
      [ctx, res](const services::Order& o) { send_durable(*ctx->base, res, order_response(bhttp::status::ok, o)); },
      [res, id, final_only, ms] {
        std::string what = final_only ? "to be validated or failed" : "to exist";
        res.send(error_response(bhttp::status::gateway_timeout, "Timeout",
                                "order '" + id + "' did not come " + what + " within " +
                                    std::to_string(ms) + " ms"));
      });
}

}  // namespace

void add_order_routes(Router& router, const std::shared_ptr<const OrdersContext>& ctx) {
  router.add(bhttp::verb::post, "/v1/orders",
             [ctx](RouteRequest&& r, Responder res) { post_order(ctx, std::move(r), res); });
  router.add(bhttp::verb::get, "/v1/orders/{id}",
             [ctx](RouteRequest&& r, Responder res) { get_order(ctx, std::move(r), res, false); });
  router.add(bhttp::verb::get, "/v1/orders/{id}/validated",
             [ctx](RouteRequest&& r, Responder res) { get_order(ctx, std::move(r), res, true); });
}

}  // namespace orderstream::api
