// The orderstream API (docs/reference.md): the REST API of orders, inventory, customers and
// payments, /health and /metrics, the REST Proxy, SSE, SQL and the admin API, registered on a
// Router. Handlers never block: commands complete from the group writer's thread, long-polls from
// the orders view's thread or a timer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_vocabulary.h"
#include "api/live_groups.h"
#include "api/log_watcher.h"
#include "common/metrics.h"
#include "http/router.h"
#include "log/group_writer.h"
#include "log/log.h"
#include "services/orders_service.h"
#include "sql/engine.h"
#include "stream/runtime.h"

namespace orderstream::api {

// What every route group shares, one instance for all: the log they read and long-poll, the
// group writer their writes and durable answers go through, the io_context for their timers
// (set once the Server exists, before it starts), the bounds of a client's ?timeout= and which
// protocol's members hold each consumer group.
struct RouteBase {
  log::Log* log = nullptr;
  log::GroupWriter* writer = nullptr;
  boost::asio::io_context* io = nullptr;
  int default_timeout_ms = 10000;
  int max_timeout_ms = 300000;
  std::shared_ptr<LiveGroups> live_groups = std::make_shared<LiveGroups>();
  std::shared_ptr<LogWatcher> watcher;  // wakes long-polls on commit (null: their timers alone)
};

// The single-writer rule, given by the layer that knows who owns what (serve wires it to
// services/ownership.h and the SQL engine's QueryOwners): the refusal message for an outside
// write to `topic` or a commit of `group`'s offsets, nullopt when anyone may. Unset: nothing
// is owned.
struct Ownership {
  std::function<std::optional<std::string>(std::string_view topic)> topic;
  std::function<std::optional<std::string>(std::string_view group)> group;
  std::optional<std::string> topic_refusal(std::string_view t) const { return topic ? topic(t) : std::nullopt; }
  std::optional<std::string> group_refusal(std::string_view g) const { return group ? group(g) : std::nullopt; }
};

// One small context per route group.
// The Orders service's REST API: orders, inventory, customers, payments, emails.
struct OrdersContext {
  std::shared_ptr<const RouteBase> base;
  services::OrdersService* orders = nullptr;
};
// /health and /metrics.
struct OpsContext {
  std::shared_ptr<const RouteBase> base;
  metrics::Registry* registry = nullptr;
  const stream::Runtime* runtime = nullptr;  // optional: its failing tasks show in /health
};
// Topics and groups for clients: the REST Proxy, SSE and the admin API (the CLI beside a server).
struct TopicsContext {
  std::shared_ptr<const RouteBase> base;
  Ownership owns;
};
// /ksql and /query-stream.
struct SqlContext {
  std::shared_ptr<const RouteBase> base;
  sql::Engine* sql = nullptr;
};

// Every route of a running server (without sql: no SQL routes). REQUIRES: each context's
// pointers set, base->io included, before the server starts.
struct ApiRoutes {
  std::shared_ptr<const OrdersContext> orders;
  std::shared_ptr<const OpsContext> ops;
  std::shared_ptr<const TopicsContext> topics;
  std::shared_ptr<const SqlContext> sql;
};
void add_api_routes(Router& router, const ApiRoutes& routes);

// The route groups (one file each, or two).
void add_order_routes(Router& router, const std::shared_ptr<const OrdersContext>& ctx);     // orders_routes.cpp
void add_resource_routes(Router& router, const std::shared_ptr<const OrdersContext>& ctx);  // resource_routes.cpp
void add_email_routes(Router& router, const std::shared_ptr<const OrdersContext>& ctx);     // email_routes.cpp
void add_ops_routes(Router& router, const std::shared_ptr<const OpsContext>& ctx);          // resource_routes.cpp
void add_rest_proxy_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx);  // rest_proxy_*.cpp
void add_proxy_produce_route(Router& router, const std::shared_ptr<const TopicsContext>& ctx);
void add_sse_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx);    // sse_routes.cpp
void add_admin_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx);  // admin_routes.cpp
void add_sql_routes(Router& router, const std::shared_ptr<const SqlContext>& ctx);       // sql_routes.cpp

// Parses ?timeout= (milliseconds, 0..max). InvalidArgument otherwise.
Result<int> parse_timeout(const RouteRequest& r, const RouteBase& base);
// For streamed responses: ?timeout= bounds how long the stream stays open; without it the stream
// runs until it is done, the client leaves or the server stops (nullopt).
Result<std::optional<std::chrono::milliseconds>> parse_stream_timeout(const RouteRequest& r, const RouteBase& base);

}  // namespace orderstream::api
