// The orderstream REST API (docs/reference.md): orders, inventory, customers, payments,
// /health and /metrics, registered on a Router. Handlers never block: commands complete from
// the group writer's thread, long-polls from the orders view's thread or a timer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_vocabulary.h"
#include "common/metrics.h"
#include "http/router.h"
#include "log/log.h"
#include "services/orders_service.h"
#include "sql/engine.h"
#include "stream/runtime.h"

namespace orderstream::api {

struct ApiContext {
  services::OrdersService* orders = nullptr;
  log::Log* log = nullptr;
  metrics::Registry* registry = nullptr;
  sql::Engine* sql = nullptr;  // for add_sql_routes
  const stream::Runtime* runtime = nullptr;  // optional: its failing tasks show in /health
  // Set once the Server exists (before it starts); long-poll timers run on it.
  boost::asio::io_context* io = nullptr;
  int default_timeout_ms = 10000;
  int max_timeout_ms = 300000;
  // The single-writer rule, given by the layer that knows who owns what (serve wires it to
  // services/ownership.h): the refusal message for an outside write to `topic`, or a commit of
  // `group`'s offsets, or nullopt when anyone may. Unset: nothing is owned.
  std::function<std::optional<std::string>(std::string_view topic)> owned_topic;
  std::function<std::optional<std::string>(std::string_view group)> owned_group;
};

// ctx.owned_topic(topic) / ctx.owned_group(group), nullopt when unset.
std::optional<std::string> topic_refusal(const ApiContext& ctx, std::string_view topic);
std::optional<std::string> group_refusal(const ApiContext& ctx, std::string_view group);

// REQUIRES: ctx->orders, log and registry set; ctx->io set before the server starts.
void add_api_routes(Router& router, std::shared_ptr<ApiContext> ctx);

// POST /topics/{topic}, the REST Proxy's produce (rest_proxy_produce.cpp).
void add_proxy_produce_route(Router& router, const std::shared_ptr<ApiContext>& api);

// POST /ksql and POST /query-stream (sql_routes.cpp). REQUIRES: ctx->sql set.
void add_sql_routes(Router& router, const std::shared_ptr<ApiContext>& ctx);

// Parses ?timeout= (milliseconds, 0..max). InvalidArgument otherwise.
Result<int> parse_timeout(const RouteRequest& r, const ApiContext& ctx);
// For streamed responses: ?timeout= bounds how long the stream stays open; without it the stream
// runs until it is done, the client leaves or the server stops (nullopt).
Result<std::optional<std::chrono::milliseconds>> parse_stream_timeout(const RouteRequest& r, const ApiContext& ctx);

}  // namespace orderstream::api
