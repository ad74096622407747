// Inventory, customers and payments: the pipeline's other inputs. Plus /health and /metrics.
#include <charconv>

#include "api/api.h"
#include "api/durable_answer.h"
#include "api/log_poll.h"
#include "services/inventory.h"
#include "services/json_codec.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

namespace {

// Answers a command once it is durable.
std::function<void(const Status&)> on_durable(Responder res, bhttp::status ok_status,
                                              std::string body, std::string location = "") {
  return [res, ok_status, body = std::move(body), location = std::move(location)](const Status& st) {
    if (!st.is_ok()) return res.send(status_response(st));
    Response rsp = json_response(ok_status, body);
    if (!location.empty()) rsp.set(bhttp::field::location, location);
    res.send(std::move(rsp));
  };
}

Result<services::Product> product_param(const RouteRequest& r) {
  const std::string& name = r.params.at("product");
  auto p = services::parse_product(name);
  if (!p) return not_found("unknown product '" + name + "' (known: JUMPERS, UNDERPANTS, STOCKINGS)");
  return *p;
}

void put_inventory(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res) {
  auto product = product_param(r);
  if (!product.ok()) return res.send(status_response(product.status()));
  auto stock = services::stock_from_body_json(r.req.body());
  if (!stock.ok()) return res.send(status_response(stock.status()));
  std::string body = "{\"product\":" + json_quote(services::to_string(*product)) +
                     ",\"stock\":" + std::to_string(*stock) + "}";
  Status st = ctx->orders->put_inventory(*product, *stock, on_durable(res, bhttp::status::ok, body));
  if (!st.is_ok()) res.send(status_response(st));
}

void get_inventory(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res) {
  auto product = product_param(r);
  if (!product.ok()) return res.send(status_response(product.status()));
  if (route_to_owner(*ctx, services::kInventorySubTopology, services::to_string(*product), r, res, kForwardMargin))
    return;
  auto v = ctx->orders->inventory(*product);
  if (!v.ok()) return res.send(status_response(v.status()));
  send_durable(*ctx->base, res, json_response(bhttp::status::ok,
                         "{\"product\":" + json_quote(services::to_string(*product)) +
                             ",\"stock\":" + std::to_string(v->stock) +
                             ",\"reserved\":" + std::to_string(v->reserved) + "}"));
}

void post_customer(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res) {
  auto c = services::customer_from_json(r.req.body());
  if (!c.ok()) return res.send(status_response(c.status()));
  Status st = ctx->orders->add_customer(
      *c, on_durable(res, bhttp::status::created, services::to_json(*c),
                     "/v1/customers/" + std::to_string(c->id)));
  if (!st.is_ok()) res.send(status_response(st));
}

// ?timeout=MS waits up to MS for the customer to reach the customers table (right after its POST
// the table task may not have read it yet); without it the answer is immediate.
void get_customer(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res) {
  const std::string s = r.params["id"];
  int64_t id = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || p != s.data() + s.size())
    return res.send(status_response(invalid_argument("customer id must be an integer")));
  int timeout_ms = 0;
  if (r.query.count("timeout")) {
    auto t = parse_timeout(r, *ctx->base);
    if (!t.ok()) return res.send(status_response(t.status()));
    timeout_ms = *t;
  }
  auto answer = [ctx, id, res]() -> bool {
    auto c = ctx->orders->find_customer(id);
    if (!c.ok()) {
      res.send(status_response(c.status()));
      return true;
    }
    if (!*c) return false;
    send_durable(*ctx->base, res, json_response(bhttp::status::ok, services::to_json(**c)));
    return true;
  };
  poll_log(*ctx->base->io, *ctx->base->log, ctx->base->watcher.get(), std::chrono::milliseconds(timeout_ms), answer,
           [res, s] { res.send(status_response(not_found("no customer " + s))); });
}

void post_payment(const std::shared_ptr<const OrdersContext>& ctx, RouteRequest&& r, Responder res) {
  auto pay = services::payment_from_json(r.req.body());
  if (!pay.ok()) return res.send(status_response(pay.status()));
  Status st = ctx->orders->add_payment(*pay, on_durable(res, bhttp::status::created, services::to_json(*pay)));
  if (!st.is_ok()) res.send(status_response(st));
}

// Like a Kafka broker with an offline partition, a server with a damaged partition keeps
// serving every other one, so it answers 200 "degraded" (a load balancer or liveness probe must
// not take it out: a restart repairs nothing) and names what is broken; operators alert on the
// per-partition gauge in /metrics. Only a log that refuses every write until restarted (a failed
// commit or fdatasync) answers 503 "failed": a restart is exactly what it needs.
void get_health(const std::shared_ptr<const OpsContext>& ctx, Responder res) {
  log::LogHealth h = ctx->base->log->health();
  bool failed = !h.write_failure.is_ok();
  std::vector<stream::TaskFailure> tasks;
  if (ctx->failed_tasks) tasks = ctx->failed_tasks();
  // The log's flag is cleared by any commit that fits (a small write may), while a task whose
  // step did not fit stays blocked until its own step commits: either means storage is full.
  Status full = h.storage_full;
  for (const stream::TaskFailure& t : tasks)
    if (full.is_ok() && t.status.code() == StatusCode::kNoSpace) full = t.status;
  bool degraded = !h.failed_partitions.empty() || !full.is_ok() || !tasks.empty();
  std::string body = std::string("{\"status\":") +
                     (failed ? "\"failed\"" : degraded ? "\"degraded\"" : "\"ok\"");
  body += ",\"failedPartitions\":[";
  for (size_t i = 0; i < h.failed_partitions.size(); ++i) {
    const log::PartitionFailure& f = h.failed_partitions[i];
    if (i) body += ",";
    body += "{\"topic\":" + json_quote(f.tp.topic) +
            ",\"partition\":" + std::to_string(f.tp.partition.v) +
            ",\"offset\":" + std::to_string(f.offset.v) +
            ",\"error\":" + json_quote(f.status.message()) + "}";
  }
  body += "],\"failedTasks\":[";
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (i) body += ",";
    body += "{\"task\":" + json_quote(tasks[i].task) + ",\"service\":" + json_quote(tasks[i].service) +
            ",\"partition\":" + std::to_string(tasks[i].partition.v) +
            ",\"failedSteps\":" + std::to_string(tasks[i].failures) +
            ",\"error\":" + json_quote(tasks[i].status.to_string()) + "}";
  }
  body += "],\"storageFull\":" + std::string(full.is_ok() ? "false" : "true");
  if (!full.is_ok()) body += ",\"storageError\":" + json_quote(full.message());
  if (failed) body += ",\"writeError\":" + json_quote(h.write_failure.message());
  res.send(json_response(failed ? bhttp::status::service_unavailable : bhttp::status::ok, body + "}"));
}

}  // namespace

void add_resource_routes(Router& router, const std::shared_ptr<const OrdersContext>& ctx) {
  router.add(bhttp::verb::put, "/v1/inventory/{product}",
             [ctx](RouteRequest&& r, Responder res) { put_inventory(ctx, std::move(r), res); });
  router.add(bhttp::verb::get, "/v1/inventory/{product}",
             [ctx](RouteRequest&& r, Responder res) { get_inventory(ctx, std::move(r), res); });
  router.add(bhttp::verb::post, "/v1/customers",
             [ctx](RouteRequest&& r, Responder res) { post_customer(ctx, std::move(r), res); });
  router.add(bhttp::verb::get, "/v1/customers/{id}",
             [ctx](RouteRequest&& r, Responder res) { get_customer(ctx, std::move(r), res); });
  router.add(bhttp::verb::post, "/v1/payments",
             [ctx](RouteRequest&& r, Responder res) { post_payment(ctx, std::move(r), res); });
}

void add_ops_routes(Router& router, const std::shared_ptr<const OpsContext>& ctx) {
  router.add(bhttp::verb::get, "/health",
             [ctx](RouteRequest&&, Responder res) { get_health(ctx, res); });
  router.add(bhttp::verb::get, "/metrics", [ctx](RouteRequest&&, Responder res) {
    res.send(make_response(bhttp::status::ok, ctx->registry->render(),
                           "text/plain; version=0.0.4; charset=utf-8"));
  });
}

void add_api_routes(Router& router, const ApiRoutes& routes) {
  add_order_routes(router, routes.orders);
  add_resource_routes(router, routes.orders);
  add_email_routes(router, routes.orders);
  add_ops_routes(router, routes.ops);
  add_ui_routes(router);
  size_t first_log_route = router.route_count();
  add_rest_proxy_routes(router, routes.topics);
  add_sse_routes(router, routes.topics);
  add_admin_routes(router, routes.topics);
  add_admin_read_routes(router, routes.topics);
  add_admin_browse_routes(router, routes.topics);
  if (routes.sql) add_sql_routes(router, routes.sql);
  if (routes.log_routes_refusal)
    router.answer_from(first_log_route, [message = *routes.log_routes_refusal](RouteRequest&&, Responder res) {
      res.send(error_response(bhttp::status::not_implemented, "NotImplemented", message));
    });
}

}  // namespace orderstream::api
