// `orderstream serve`: wires the log, the stream runtime, the services and the HTTP server, and
// shuts them down in order on SIGINT/SIGTERM. The only place that knows every layer.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <optional>
#include <thread>

#include "cli/cluster_options.h"
#include "cli/serve_backend.h"
#include "cli/log_cleaner.h"
#include "cli/serve_file.h"
#include "cli/serve_metrics.h"
#include "common/guarded.h"
#include "cli/service_commands.h"
#include "api/api.h"
#include "api/api_token.h"
#include "api/armed_timers.h"
#include "api/kafka_broker.h"
#include "kafka/server.h"
#include "http/server.h"
#include "services/ownership.h"
#include "log/group_writer.h"
#include "services/aggregator.h"
#include "services/ecosystem.h"
#include "services/orders_service.h"
#include "sql/engine.h"
#include "stream/runtime.h"

namespace orderstream::cli {
namespace {

struct ServeOptions {
  http::ServerOptions http{.port = 8080};
  int32_t partitions = 4;
  int stream_threads = 0;
  std::string rules = "INVENTORY_CHECK,FRAUD_CHECK,ORDER_DETAILS_CHECK";
  size_t write_queue = 100000;
  bool durable = true;
  int64_t cleaner_interval_ms = 60000;
  int drain_ms = 2000;
  std::string sync_mode = "durable";
  std::string api_token;  // empty: no authentication (refused beyond loopback without allow_insecure)
  bool allow_insecure = false;
  bool metrics_public = false;
  std::string kafka_listener;  // HOST:PORT, or "none"; empty: 127.0.0.1:9092 (embedded), none (kafka)
  std::string backend = "embedded";
  ClusterArgs cluster;
  std::string instance_id, advertised_url, application_id = "orderstream";
  int replication_factor = -1;
};

constexpr const char* kKafkaLogRoutes =
    "with --backend kafka the topics live on the Kafka cluster, not in this server's log: use the "
    "cluster's own tools, or orderstream topics|consume|groups --bootstrap-servers";

// The Kafka backend's settings; an empty instance id becomes "<hostname>-<port or pid>".
Result<KafkaServeOptions> kafka_options_for(const ServeOptions& o) {
  if (!o.cluster.enabled()) return invalid_argument("--backend kafka needs --bootstrap-servers H:P[,H:P...]");
  KafkaServeOptions k;
  OS_ASSIGN_OR_RETURN(k.backend.client, client_options(o.cluster));
  k.backend.application_id = o.application_id;
  k.backend.instance_id = o.instance_id;
  if (k.backend.instance_id.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof(host) - 1);
    k.backend.instance_id = std::string(host) + "-" + std::to_string(o.http.port ? o.http.port : ::getpid());
  }
  k.backend.replication_factor = static_cast<int16_t>(o.replication_factor);
  k.backend.advertised_url = o.advertised_url;
  k.partitions = o.partitions;
  return k;
}

// "HOST:PORT" ("[::1]:9092" for IPv6) into its parts. InvalidArgument otherwise.
Status parse_listener(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return invalid_argument("--kafka-listener must be HOST:PORT or none, not '" + text + "'");
  std::string h = text.substr(0, colon), p = text.substr(colon + 1);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || value > 65535)
    return invalid_argument("--kafka-listener port must be 0..65535, not '" + p + "'");
  *host = h;
  *port = static_cast<uint16_t>(value);
  return Status::ok();
}

// Where other instances reach this one: the address it listens on, this host's name for a
// wildcard address.
std::string advertised_url(const std::string& host, uint16_t port) {
  if (host != "0.0.0.0" && host != "::" && host != "[::]" && !host.empty()) return local_url(host, port);
  char name[256] = {};
  ::gethostname(name, sizeof(name) - 1);
  return "http://" + std::string(name) + ":" + std::to_string(port);
}


int serve(const GlobalOptions& global, const ServeOptions& o) {
  // Block the stop signals in every thread (threads inherit the mask); main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto rules = services::parse_rules(o.rules);
  if (!rules.ok()) return report(rules.status());
  bool on_kafka = o.backend == "kafka";
  std::optional<KafkaServeOptions> cluster_options;
  if (on_kafka) {
    auto k = kafka_options_for(o);
    if (!k.ok()) {
      std::fprintf(stderr, "orderstream: %s\n", k.status().message().c_str());
      return kExitUsage;
    }
    cluster_options = std::move(*k);
  }
  if (on_kafka && !o.kafka_listener.empty() && o.kafka_listener != "none") {
    std::fprintf(stderr, "orderstream: --kafka-listener serves the embedded log; with --backend kafka, Kafka "
                         "clients connect to the cluster itself\n");
    return kExitUsage;
  }
  std::string listener = o.kafka_listener.empty() ? (on_kafka ? "none" : "127.0.0.1:9092") : o.kafka_listener;
  kafka::KafkaServerOptions kafka_options;
  bool kafka_on = listener != "none";
  if (kafka_on)
    if (Status st = parse_listener(listener, &kafka_options.host, &kafka_options.port); !st.is_ok()) {
      std::fprintf(stderr, "orderstream: %s\n", st.message().c_str());
      return kExitUsage;
    }
  // Like Redis's protected mode: an open API beyond this host lets anyone write orders.
  bool beyond_loopback = !api::is_loopback_host(o.http.host) || (kafka_on && !api::is_loopback_host(kafka_options.host));
  if (o.api_token.empty() && !o.allow_insecure && beyond_loopback) {
    std::fprintf(stderr,
                 "orderstream: refusing to listen on %s without an API token: anyone who can reach it "
                 "could write orders. Set one with --api-token TOKEN (or ORDERSTREAM_API_TOKEN, or "
                 "api-token in the [serve] section of the config file), or pass --allow-insecure "
                 "on a network you trust.\n",
                 !api::is_loopback_host(o.http.host) ? o.http.host.c_str() : kafka_options.host.c_str());
    return kExitUsage;
  }
  // Kafka clients authenticate with SASL PLAIN, the token as password (any user name).
  if (!o.api_token.empty())
    kafka_options.sasl_plain = [token = o.api_token](std::string_view, std::string_view password) {
      return api::constant_time_equal(password, token);
    };
  auto opened = open_log(global, Access::kWriteOrCreate, o.sync_mode);
  if (!opened.ok()) return report(opened.status());
  log::Log& log = **opened;
  metrics::Registry registry;
  add_write_metrics(registry, log);
  // The log outlives the registry: it forgets the registry's metrics before they die.
  struct ForgetMetrics {
    log::Log& log;
    ~ForgetMetrics() { log.set_metrics({}); }
  } forget_metrics{log};

  // The routes' contexts exist before the server (its Router needs them) and are filled in as
  // what they point at comes to exist, all before the server starts.
  auto base = std::make_shared<api::RouteBase>();
  auto orders_ctx = std::make_shared<api::OrdersContext>();
  auto ops_ctx = std::make_shared<api::OpsContext>();
  auto topics_ctx = std::make_shared<api::TopicsContext>();
  auto sql_ctx = std::make_shared<api::SqlContext>();
  orders_ctx->base = ops_ctx->base = topics_ctx->base = sql_ctx->base = base;
  http::Router router;
  std::optional<std::string> log_routes_refusal;
  if (on_kafka) log_routes_refusal = kKafkaLogRoutes;
  api::add_api_routes(router, {orders_ctx, ops_ctx, topics_ctx, sql_ctx, log_routes_refusal});
  if (!o.api_token.empty()) router.set_guard(api::token_guard({o.api_token, o.metrics_public}));
  http::Server server(o.http, std::move(router), registry);
  base->io = &server.io();
  base->log = &log;
  // Long-polls wake on commit. Unregistered before the server (and its io_context) goes, as the
  // log's cleaner may still commit then.
  base->watcher = api::LogWatcher::start(server.io(), log);
  struct StopWatcher {
    api::LogWatcher& watcher;
    ~StopWatcher() { watcher.stop(); }
  } stop_watcher{*base->watcher};
  ops_ctx->registry = &registry;

  // Declared after the server so that parked waits (which hold Responders) die before it.
  services::OrderWaiters waiters;
  services::EcosystemOptions eco;
  eco.rules = *rules;
  stream::Topology topology = services::make_ecosystem_topology(eco, &waiters);
  stream::RuntimeOptions ro;
  ro.partitions = o.partitions;
  ro.threads = o.stream_threads;
  std::unique_ptr<ServeBackend> runtime = on_kafka ? kafka_backend(log, topology, std::move(*cluster_options))
                                                   : embedded_backend(log, topology, ro, &registry);
  if (Status st = runtime->init(); !st.is_ok()) return report(st);
  runtime->add_metrics(registry);
  // SQL (embedded only): replays its catalog and runs its persistent queries, one runtime each.
  // The single-writer rule: the ecosystem's topics and groups (services/ownership.h), then the
  // outputs and groups of running persistent queries. SQL asks the first part itself.
  std::unique_ptr<sql::Engine> sql_engine;
  if (!on_kafka) {
    auto opened_sql = sql::Engine::open(
        log, {.partitions = o.partitions, .mode = sql::QueryMode::kThreads, .owned_topic = services::topic_refusal});
    if (!opened_sql.ok()) return report(opened_sql.status());
    sql_engine = std::move(*opened_sql);
    const sql::QueryOwners& query_owners = sql_engine->owners();
    topics_ctx->owns.topic = [&query_owners](std::string_view topic) -> std::optional<std::string> {
      if (auto refusal = services::topic_refusal(topic)) return refusal;
      if (auto query = query_owners.topic_writer(topic)) return sql::query_topic_message(topic, *query);
      return std::nullopt;
    };
    topics_ctx->owns.group = [&query_owners](std::string_view group) -> std::optional<std::string> {
      if (auto owner = services::group_owner(group)) return services::owned_group_message(group, *owner);
      if (auto query = query_owners.group_committer(group)) return sql::query_group_message(group, *query);
      return std::nullopt;
    };
    sql_ctx->sql = sql_engine.get();
  }
  ops_ctx->failed_tasks = [&runtime] { return runtime->failed_tasks(); };
  add_log_metrics(registry, log);  // after init: it names every partition of every topic
  // Lazy mode answers at commit, without waiting for the meta page's sync (log::SyncMode).
  log::GroupWriter writer(log, o.write_queue, o.durable && o.sync_mode == "durable");
  registry.gauge_fn("log_write_queue_depth", "Client writes queued for the group writer", {},
                    [&writer] { return static_cast<double>(writer.depth()); });
  base->writer = &writer;
  services::OrdersService orders(log, writer, waiters);
  if (services::CommandSink* sink = runtime->commands()) orders.send_commands_to(sink);
  orders_ctx->orders = &orders;
  orders_ctx->key_owner = runtime->key_owner();
  registry.gauge_fn("orders_waits_parked", "GET requests parked waiting for an order", {},
                    [&waiters] { return static_cast<double>(waiters.size()); });
  registry.gauge_fn("http_timers_armed", "Long-poll timers armed now (0 once no request waits)", {},
                    [] { return static_cast<double>(api::ArmedTimer::armed()); });

  // Kafka clients share the HTTP server's io threads; the listener stops before they do.
  auto kafka_ctx = std::make_shared<api::KafkaContext>();
  kafka_ctx->base = base;
  kafka_ctx->default_partitions = o.partitions;
  kafka_ctx->owns = topics_ctx->owns;
  kafka_ctx->groups = api::GroupCoordinator::make(server.io());
  // Weak: the coordinator's timer must not outlive the io_context through the base.
  base->live_groups->set_kafka([weak = std::weak_ptr<api::GroupCoordinator>(kafka_ctx->groups)](const std::string& g) {
    auto c = weak.lock();
    return c ? c->members(g) : size_t{0};
  });
  std::optional<kafka::KafkaServer> kafka_server;
  if (kafka_on) {
    kafka_ctx->advertised_host = kafka_options.host == "0.0.0.0" || kafka_options.host == "::" ? "127.0.0.1" : kafka_options.host;
    kafka_server.emplace(server.io(), kafka_options, api::make_kafka_handler(kafka_ctx));
    if (Status st = kafka_server->start(); !st.is_ok()) return report(st);
    kafka_ctx->advertised_port = kafka_server->port();
  }
  struct StopKafka {
    std::optional<kafka::KafkaServer>& k;
    ~StopKafka() {
      if (k) k->stop();
    }
  } stop_kafka{kafka_server};

  if (Status st = server.start(); !st.is_ok()) return report(st);
  std::string url = o.advertised_url.empty() ? advertised_url(o.http.host, server.port()) : o.advertised_url;
  if (Status st = runtime->start(url); !st.is_ok()) {
    server.stop(0);  // its handlers use the runtime
    return report(st);
  }
  Cleaner cleaner(log, o.cleaner_interval_ms);
  // Writing CLI commands find the server through serve.json (cli/serve_file.h); it goes on
  // every way out of here, and a SIGKILL's leftover is recognised as stale by the CLI.
  struct ForgetServeFile {
    const std::string& dir;
    ~ForgetServeFile() { remove_serve_file(dir); }
  } forget_serve_file{global.data_dir};
  if (Status st = write_serve_file(global.data_dir, local_url(o.http.host, server.port()),
                                   o.http.max_body_bytes, o.api_token);
      !st.is_ok())
    warn(st.message() + "; writing CLI commands will refuse to run beside this server");
  std::printf("orderstream: listening on http://%s:%u (data dir %s, %d partitions, %s)\n",
              o.http.host.c_str(), server.port(), global.data_dir.c_str(), o.partitions,
              runtime->describe().c_str());
  if (kafka_server)
    std::printf("orderstream: kafka listener on %s:%u\n", kafka_options.host.c_str(), kafka_server->port());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "orderstream: %s received, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  // First, so that no CLI command starts on a server that is going away.
  remove_serve_file(global.data_dir);
  // Stop accepting and drain requests (their writes still complete), then the writer, then
  // the tasks (each finishes its step's txn), then make everything durable.
  if (kafka_server) kafka_server->stop();
  kafka_ctx->groups->stop();
  server.stop(o.drain_ms);
  writer.stop();
  runtime->stop();
  if (sql_engine) sql_engine->stop();
  if (Status st = log.sync(); !st.is_ok()) return report(st);
  std::fprintf(stderr, "orderstream: stopped cleanly\n");
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run every service and the REST API");
  cmd->add_option("--host", o->http.host, "Address to listen on")->type_name("HOST");
  cmd->add_option("--port", o->http.port, "Port to listen on (0 = any free port)")->type_name("PORT");
  cmd->add_option("--partitions", o->partitions, "Partitions of the topics it creates")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--stream-threads", o->stream_threads,
                  "Stream threads (0 = one per service)")->check(CLI::Range(0, 256));
  cmd->add_option("--http-threads", o->http.threads, "HTTP io threads")->check(CLI::Range(1, 64));
  cmd->add_option("--rules", o->rules, "Checks an order must pass to be VALIDATED (comma-separated)");
  cmd->add_option("--max-body-bytes", o->http.max_body_bytes, "Largest request body (413 beyond)");
  cmd->add_option("--read-timeout-ms", o->http.read_timeout_ms, "Time allowed to send one request");
  cmd->add_option("--max-connections", o->http.max_connections, "Open connections before 503");
  cmd->add_option("--write-queue", o->write_queue, "Commands waiting for the writer before 503");
  cmd->add_option("--durable", o->durable, "Acknowledge writes only after fdatasync");
  cmd->add_option("--sync-mode", o->sync_mode,
                  "durable: nothing is answered before it is fully synced (a power cut takes back "
                  "nothing a client was told); lazy: answers at commit (a power cut may take back "
                  "the latest commit). Neither lets a power cut damage the log")
      ->check(CLI::IsMember({"durable", "lazy"}));
  cmd->add_option("--api-token", o->api_token,
                  "Require 'Authorization: Bearer TOKEN' on every request but GET /health and the web console's files (/ui/), and SASL PLAIN "
                  "with TOKEN as password on the Kafka listener")
      ->envname("ORDERSTREAM_API_TOKEN")
      ->type_name("TOKEN");
  cmd->add_flag("--allow-insecure", o->allow_insecure,
                "Listen beyond loopback without an API token (refused otherwise)");
  cmd->add_flag("--metrics-public", o->metrics_public, "Serve GET /metrics without the API token");
  cmd->add_option("--kafka-listener", o->kafka_listener,
                  "Where Kafka clients connect (HOST:PORT, port 0 = any free port), or none (default "
                  "127.0.0.1:9092; none with --backend kafka)")
      ->type_name("HOST:PORT");
  cmd->add_option("--backend", o->backend,
                  "Where the services' topics, offsets and transactions live: embedded (this data dir's "
                  "log) or kafka (an Apache Kafka cluster, --bootstrap-servers; the data dir keeps the "
                  "tasks' state, restored from changelog topics)")
      ->check(CLI::IsMember({"embedded", "kafka"}));
  add_cluster_options(cmd, &o->cluster);
  cmd->add_option("--instance-id", o->instance_id,
                  "This instance's name on the cluster (its producers' transactional ids); default "
                  "<hostname>-<port>")->type_name("ID");
  cmd->add_option("--advertised-url", o->advertised_url,
                  "Where the other instances reach this one's HTTP API, to forward GETs for keys it "
                  "owns (default: the address it listens on)")->type_name("URL");
  cmd->add_option("--application-id", o->application_id,
                  "Prefix of the consumer groups, transactional ids and changelog topics on the cluster "
                  "(Kafka Streams' application.id); instances of one application share it");
  cmd->add_option("--replication-factor", o->replication_factor,
                  "Replicas of the topics it creates on the cluster (-1: the brokers' default)")
      ->check(CLI::Range(-1, 32767));
  cmd->add_option("--cleaner-interval-ms", o->cleaner_interval_ms,
                  "How often retention and compaction run (0 = never)");
  cmd->callback([o, &global, exit_code] { *exit_code = serve(global, *o); });
}

}  // namespace orderstream::cli
