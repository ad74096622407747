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
#include "api/owner_forward.h"
#include "stream/task_failure.h"

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
  // Which instance serves `key`'s partition of sub-topology `sub`'s stores (the Kafka backend's
  // interactive queries: GETs for keys owned elsewhere are forwarded). Unset: all are here.
  std::function<KeyOwner(std::string_view sub, std::string_view key)> key_owner;
};
// /health and /metrics.
struct OpsContext {
  std::shared_ptr<const RouteBase> base;
  metrics::Registry* registry = nullptr;
  // Optional: the stream runtime's failing tasks, shown in /health.
  std::function<std::vector<stream::TaskFailure>()> failed_tasks;
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
  // Set: the routes over the log itself (REST Proxy, SSE, admin, SQL) stay known but answer 501
  // with this message (the Kafka backend, whose topics are on the cluster, not in the local log).
  std::optional<std::string> log_routes_refusal;
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
// GET /v1/admin/topics[/{topic}] and /v1/admin/groups[/{group}]: offsets, sizes, owners, lag.
void add_admin_read_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx);  // admin_read_routes.cpp
// GET /v1/admin/topics/{topic}/records: seek by offset or time, filter by key and text.
void add_admin_browse_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx);  // admin_browse_routes.cpp
// The web console: GET / and /ui redirect to /ui/, which serves the embedded ui/ files.
void add_ui_routes(Router& router);                                                          // ui_routes.cpp
// Whether `path` is one of the console's files, which the API token does not guard (they hold
// no data; the console sends the token with its API calls).
bool ui_public_path(std::string_view path);

// The Kafka backend's routing of a read of `key` from sub-topology `sub`'s stores: true when the
// request went to the owning instance (its answer relayed within `timeout`) or was answered 503
// (no owner now, or a forwarded request reached an instance not owning the key either); false:
// the stores here serve it (owner_forward.cpp).
bool route_to_owner(const OrdersContext& ctx, std::string_view sub, std::string_view key, const RouteRequest& r,
                    const Responder& res, std::chrono::milliseconds timeout);
// How long a forwarded read may take beyond the wait the client asked for.
inline constexpr std::chrono::milliseconds kForwardMargin{5000};

// Parses ?timeout= (milliseconds, 0..max). InvalidArgument otherwise.
Result<int> parse_timeout(const RouteRequest& r, const RouteBase& base);
// For streamed responses: ?timeout= bounds how long the stream stays open; without it the stream
// runs until it is done, the client leaves or the server stops (nullopt).
Result<std::optional<std::chrono::milliseconds>> parse_stream_timeout(const RouteRequest& r, const RouteBase& base);

}  // namespace orderstream::api
