// libFuzzer target: raw bytes (request line, headers, body; pipelined requests too) through the
// real HTTP Session, Router and REST API routes, backed by a real Log in a temp dir, the
// OrdersService and the services' stream runtime, all wired as `orderstream serve` wires them.
// Only the Listener is skipped: each input is one connection over a socketpair handed to a
// Session (the fd is adopted by a tcp::socket; recv/send/shutdown behave the same), so no TCP
// ports or TIME_WAIT states are used up. Besides sanitizer reports it aborts when:
//   - the server does not close the connection after the client's FIN (a hang);
//   - the connection is still counted open after it closed (a leak);
//   - a response is not parseable HTTP, or a JSON response body is not valid JSON, or an error
//     response lacks the {code, message} body.
#include <simdjson.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "api/api.h"
#include "http/server_context.h"
#include "http/session.h"
#include "log/group_writer.h"
#include "services/ecosystem.h"
#include "services/orders_service.h"
#include "stream/runtime.h"
#include "support/temp_dir.h"

namespace {

using namespace orderstream;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

constexpr size_t kMaxInput = 64 << 10;  // fits a socketpair's buffer: the write never blocks
constexpr int kCloseDeadlineMs = 10000;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_request_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// Everything `serve` builds, once per process. Never destroyed: libFuzzer exits with the
// threads running, and everything stays reachable (no leak reports).
struct World {
  test::TempDir dir{"os-fuzz-http"};
  std::unique_ptr<log::Log> log;
  metrics::Registry registry;
  services::OrderWaiters waiters;
  stream::Topology topology = services::make_ecosystem_topology({}, &waiters);
  std::unique_ptr<stream::Runtime> runtime;
  std::unique_ptr<log::GroupWriter> writer;
  std::unique_ptr<services::OrdersService> orders;
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  std::shared_ptr<http::ServerContext> ctx;
  std::thread io_thread;

  World() {
    std::signal(SIGPIPE, SIG_IGN);
    log::LogOptions lo;
    lo.dir = dir.file("data");
    lo.create_if_missing = true;
    lo.sync_mode = log::SyncMode::kLazy;
    auto opened = log::Log::open(lo);
    if (!opened.ok()) fail("cannot open the log", opened.status().to_string());
    log = std::move(*opened);
    stream::RuntimeOptions ro;
    ro.partitions = 2;
    ro.threads = 1;
    runtime = std::make_unique<stream::Runtime>(*log, topology, ro, &registry);
    if (Status st = runtime->init(); !st.is_ok()) fail("runtime init", st.to_string());
    writer = std::make_unique<log::GroupWriter>(*log, 100000, /*durable=*/false);
    orders = std::make_unique<services::OrdersService>(*log, *writer, waiters);

    auto base = std::make_shared<api::RouteBase>();
    base->log = log.get();
    base->writer = writer.get();
    base->io = &ioc;
    base->default_timeout_ms = 5;  // long-polls must not stall the fuzzer
    base->max_timeout_ms = 20;
    api::ApiRoutes routes;
    routes.orders = std::make_shared<api::OrdersContext>(api::OrdersContext{base, orders.get()});
    routes.ops = std::make_shared<api::OpsContext>(api::OpsContext{base, &registry, runtime.get()});
    routes.topics = std::make_shared<api::TopicsContext>(api::TopicsContext{base, {}});
    http::Router router;
    api::add_api_routes(router, routes);
    http::ServerOptions so;
    so.max_body_bytes = 16 << 10;  // small enough that inputs can exceed it
    so.read_timeout_ms = 2000;
    ctx = std::make_shared<http::ServerContext>(so, std::move(router), registry);
    runtime->start();
    io_thread = std::thread([this] { ioc.run(); });
  }
};

World& world() {
  static World* w = new World();
  return *w;
}

// Sends `input` then FIN, reading concurrently (the server may answer, or fill its send buffer,
// before it has read everything), until the server closes. Aborts past the deadline.
std::string exchange(int fd, const std::string& input) {
  std::string out;
  std::string_view left = input;
  bool fin_sent = false;
  char buf[16384];
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kCloseDeadlineMs);
  for (;;) {
    if (left.empty() && !fin_sent) {
      ::shutdown(fd, SHUT_WR);
      fin_sent = true;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (ms.count() <= 0) fail("server did not close the connection", input);
    pollfd p{fd, static_cast<short>(POLLIN | (fin_sent ? 0 : POLLOUT)), 0};
    if (::poll(&p, 1, static_cast<int>(ms.count())) <= 0) continue;
    if (p.revents & POLLIN || p.revents & (POLLHUP | POLLERR)) {
      ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return out;  // EOF or reset
      if (n > 0) out.append(buf, static_cast<size_t>(n));
    }
    if (!fin_sent && (p.revents & POLLOUT)) {
      ssize_t n = ::send(fd, left.data(), left.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) left.remove_prefix(static_cast<size_t>(n));
      if (n < 0 && errno != EAGAIN && errno != EINTR) left = {};  // the server closed early
    }
  }
}

// Every response must parse; JSON bodies must be valid JSON; errors carry {code, message}.
void check_responses(const std::string& bytes, const std::string& input) {
  if (bytes.empty()) return;  // e.g. no complete request before the FIN
  boost::beast::flat_buffer buf;
  auto b = buf.prepare(bytes.size());
  std::memcpy(b.data(), bytes.data(), bytes.size());
  buf.commit(bytes.size());
  simdjson::dom::parser json;
  while (buf.size() > 0) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    parser.eager(true);
    boost::beast::error_code ec;
    size_t used = parser.put(buf.data(), ec);
    buf.consume(used);
    if (ec || !parser.is_done()) fail("unparseable response", input + "\n--- response ---\n" + bytes);
    const auto& res = parser.get();
    if (res[bhttp::field::content_type] != "application/json") continue;
    simdjson::dom::element doc;
    if (json.parse(res.body()).get(doc) != simdjson::SUCCESS) {
      fail("a JSON response body is not valid JSON", input + "\n--- body ---\n" + res.body());
    }
    if (res.result_int() >= 400 && (!doc["code"].is_string() || !doc["message"].is_string())) {
      fail("an error response has no {code, message}", input + "\n--- body ---\n" + res.body());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  World& w = world();
  const std::string input(reinterpret_cast<const char*>(data), size);
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) fail("socketpair", "");
  net::ip::tcp::socket server_end(net::make_strand(w.ioc));
  boost::system::error_code ec;
  server_end.assign(net::ip::tcp::v4(), fds[0], ec);
  if (ec) fail("assign", ec.message());
  const bool counted = w.ctx->try_open();
  std::make_shared<http::Session>(std::move(server_end), w.ctx, counted, !counted)->run();

  const std::string responses = exchange(fds[1], input);
  ::close(fds[1]);
  if (!w.ctx->wait_all_closed(std::chrono::steady_clock::now() +
                              std::chrono::milliseconds(kCloseDeadlineMs))) {
    fail("the server did not count the connection closed", input);
  }
  check_responses(responses, input);
  return 0;
}
