#include "http/server.h"

#include <doctest/doctest.h>

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/check_ok.h"
#include "support/http_client.h"
#include "support/wait.h"

namespace orderstream::http {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using test::http_request;
using test::HttpConnection;
using test::RawSocket;
using test::wait_until;

// Requests whose handler parks the Responder here, to be answered later by the test thread.
struct Parked {
  void park(std::string what, Responder r) {
    std::lock_guard<std::mutex> lock(mu);
    items.emplace_back(std::move(what), std::move(r));
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return items.size();
  }
  // Answers parked request i with 200 and body `what`.
  void answer(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    items.at(i).second.send(make_response(bhttp::status::ok, items[i].first, "text/plain"));
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mu);
    items.clear();
  }
  std::mutex mu;
  std::vector<std::pair<std::string, Responder>> items;
};

// A Server on port 0 with a few test routes.
struct Fixture {
  metrics::Registry registry;
  std::shared_ptr<Parked> parked = std::make_shared<Parked>();
  std::unique_ptr<Server> server;

  explicit Fixture(ServerOptions opts = {}) {
    Router router;
    router.add(bhttp::verb::get, "/v1/orders/{id}", [](RouteRequest&& rr, Responder r) {
      std::string body =
          "{\"id\":" + json_quote(rr.params["id"]) + ",\"q\":" + json_quote(rr.query["q"]) + "}";
      r.send(json_response(bhttp::status::ok, body));
    });
    router.add(bhttp::verb::post, "/echo", [](RouteRequest&& rr, Responder r) {
      r.send(make_response(bhttp::status::ok, rr.req.body(), "text/plain"));
    });
    router.add(bhttp::verb::get, "/park/{what}", [p = parked](RouteRequest&& rr, Responder r) {
      p->park(rr.params["what"], std::move(r));
    });
    router.add(bhttp::verb::get, "/drop", [](RouteRequest&&, Responder) {});
    router.add(bhttp::verb::get, "/throw", [](RouteRequest&&, Responder) -> void {
      throw std::runtime_error("handler failed");
    });
    // Answers after a timer on the server's io_context (a long-poll's shape).
    router.add(bhttp::verb::get, "/later", [this](RouteRequest&&, Responder r) {
      auto timer = std::make_shared<boost::asio::steady_timer>(server->io(), 20ms);
      timer->async_wait([timer, r](boost::system::error_code) {
        r.send(make_response(bhttp::status::ok, "later", "text/plain"));
      });
    });
    server = std::make_unique<Server>(opts, std::move(router), registry);
    REQUIRE_OK(server->start());
    REQUIRE(server->port() != 0);
  }
  uint16_t port() const { return server->port(); }
  test::HttpResult get(const std::string& target) {
    return http_request(port(), bhttp::verb::get, target);
  }
};

// "HTTP/1.1 200 OK ... body" responses in a raw byte stream, in order of appearance.
std::vector<std::string> status_lines(const std::string& raw) {
  std::vector<std::string> out;
  for (size_t p = raw.find("HTTP/1.1 "); p != std::string::npos; p = raw.find("HTTP/1.1 ", p + 1)) {
    out.push_back(raw.substr(p + 9, 3));
  }
  return out;
}

TEST_SUITE("http") {
  TEST_CASE("routes receive decoded params and query, and responses carry type and length") {
    Fixture f;
    auto res = f.get("/v1/orders/a%20b?q=x+y");
    CHECK(res.status == 200);
    CHECK(res.body == R"({"id":"a b","q":"x y"})");
    CHECK(res.header("Content-Type") == "application/json");
    CHECK(res.header("Content-Length") == std::to_string(res.body.size()));
    CHECK(f.get("/v1/orders/7/").status == 200);
    auto echo = http_request(f.port(), bhttp::verb::post, "/echo", "hello", "text/plain");
    CHECK(echo.status == 200);
    CHECK(echo.body == "hello");
  }

  TEST_CASE("unknown paths are 404 JSON and wrong methods are 405 JSON with Allow") {
    Fixture f;
    auto nf = f.get("/nope");
    CHECK(nf.status == 404);
    CHECK(nf.header("content-type") == "application/json");
    CHECK(nf.body.find("\"code\":\"NotFound\"") != std::string::npos);
    auto na = http_request(f.port(), bhttp::verb::delete_, "/v1/orders/1");
    CHECK(na.status == 405);
    CHECK(na.header("allow") == "GET");
    CHECK(na.header("content-type") == "application/json");
  }

  TEST_CASE("a keep-alive connection serves many requests and metrics count them") {
    Fixture f;
    HttpConnection c(f.port());
    for (int i = 0; i < 20; ++i) {
      auto res = c.request(bhttp::verb::get, "/v1/orders/" + std::to_string(i));
      REQUIRE(res.status == 200);
      CHECK(c.connected());
    }
    CHECK(c.request(bhttp::verb::get, "/missing").status == 404);
    std::string m = f.registry.render();
    CHECK(
        m.find(
            "http_requests_total{method=\"GET\",route=\"/v1/orders/{id}\",status=\"200\"} 20\n") !=
        std::string::npos);
    CHECK(m.find("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n") !=
          std::string::npos);
    CHECK(m.find("http_request_duration_seconds_count{route=\"/v1/orders/{id}\"} 20\n") !=
          std::string::npos);
    CHECK(m.find("http_connections_open 1\n") != std::string::npos);
  }

  TEST_CASE("a body over the limit is answered 413 JSON and the connection closes") {
    ServerOptions opts;
    opts.max_body_bytes = 16;
    Fixture f(opts);
    CHECK(http_request(f.port(), bhttp::verb::post, "/echo", std::string(16, 'x')).status == 200);
    HttpConnection c(f.port());
    auto res = c.request(bhttp::verb::post, "/echo", std::string(100000, 'x'));
    CHECK(res.status == 413);
    CHECK(res.header("content-type") == "application/json");
    CHECK(res.body.find("\"code\":\"PayloadTooLarge\"") != std::string::npos);
    CHECK(res.header("connection") == "close");
    CHECK_FALSE(c.connected());
  }

  TEST_CASE("a malformed request is answered 400 JSON and the connection closes") {
    Fixture f;
    RawSocket s(f.port());
    REQUIRE(s.connected());
    REQUIRE(s.write("GET / HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n"));
    bool closed = false;
    std::string raw = s.read(10000, "", &closed);
    CHECK(raw.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(raw.find("Content-Type: application/json") != std::string::npos);
    CHECK(raw.find("\"code\":\"InvalidArgument\"") != std::string::npos);
    CHECK(closed);
  }

  TEST_CASE("a responder completed later from another thread answers the request") {
    Fixture f;
    test::HttpResult res;
    std::thread client([&] { res = f.get("/park/hello"); });
    REQUIRE(wait_until([&] { return f.parked->size() == 1; }, 10000ms));
    f.parked->answer(0);  // from the test thread, not an io thread
    client.join();
    CHECK(res.status == 200);
    CHECK(res.body == "hello");
    SUBCASE("or from a timer on the server's io_context") {
      auto later = f.get("/later");
      CHECK(later.status == 200);
      CHECK(later.body == "later");
    }
  }

  TEST_CASE("a dropped responder answers 500 and a throwing handler answers 500") {
    Fixture f;
    auto dropped = f.get("/drop");
    CHECK(dropped.status == 500);
    CHECK(dropped.body.find("\"code\":\"Internal\"") != std::string::npos);
    auto thrown = f.get("/throw");
    CHECK(thrown.status == 500);
    CHECK(thrown.body == R"({"code":"Internal","message":"handler failed"})");
  }

  TEST_CASE("pipelined requests are answered in request order") {
    Fixture f;
    RawSocket s(f.port());
    REQUIRE(s.connected());
    std::string reqs;
    for (const char* w : {"one", "two", "three"}) {
      reqs += std::string("GET /park/") + w + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    reqs += "GET /v1/orders/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    REQUIRE(s.write(reqs));
    REQUIRE(wait_until([&] { return f.parked->size() == 3; }, 10000ms));
    // Answer out of order; the wire order must still be the request order.
    f.parked->answer(2);
    f.parked->answer(0);
    f.parked->answer(1);
    bool closed = false;
    std::string raw = s.read(10000, "", &closed);
    CHECK(closed);
    CHECK(status_lines(raw) == std::vector<std::string>{"200", "200", "200", "200"});
    size_t one = raw.find("\r\n\r\none"), two = raw.find("\r\n\r\ntwo"),
           three = raw.find("\r\n\r\nthree");
    size_t four = raw.find("{\"id\":\"4\"");
    CHECK(one < two);
    CHECK(two < three);
    CHECK(three < four);
    CHECK(four != std::string::npos);
  }

  TEST_CASE("reading pauses while max_pipelined responses are outstanding") {
    ServerOptions opts;
    opts.max_pipelined = 2;
    Fixture f(opts);
    RawSocket s(f.port());
    REQUIRE(s.connected());
    std::string reqs;
    for (int i = 0; i < 5; ++i)
      reqs += "GET /park/r" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(s.write(reqs));
    REQUIRE(wait_until([&] { return f.parked->size() == 2; }, 10000ms));
    // A third request must not be dispatched while two are outstanding.
    CHECK_FALSE(wait_until([&] { return f.parked->size() > 2; }, 200ms));
    for (size_t answered = 0; answered < 5; ++answered) {
      REQUIRE(wait_until([&] { return f.parked->size() > answered; }, 10000ms));
      f.parked->answer(answered);
    }
    std::string raw = s.read(10000, "\r\n\r\nr4");
    CHECK(status_lines(raw).size() == 5);
    CHECK(raw.find("r3") < raw.find("r4"));
  }

  TEST_CASE("connections beyond max_connections are answered 503 and closed") {
    ServerOptions opts;
    opts.max_connections = 1;
    Fixture f(opts);
    HttpConnection first(f.port());
    REQUIRE(first.request(bhttp::verb::get, "/v1/orders/1").status == 200);
    auto res = f.get("/v1/orders/2");
    CHECK(res.status == 503);
    CHECK(res.header("connection") == "close");
    CHECK(res.header("content-type") == "application/json");
    CHECK(res.body.find("\"code\":\"Busy\"") != std::string::npos);
    CHECK(f.registry.render().find("http_connections_rejected_total 1\n") != std::string::npos);
    // The first connection still works; once it closes, new connections are served again.
    CHECK(first.request(bhttp::verb::get, "/v1/orders/3").status == 200);
    first.close();
    CHECK(wait_until([&] { return f.get("/v1/orders/4").status == 200; }, 10000ms));
  }

  TEST_CASE("a request that arrives too slowly is closed at the read timeout") {
    ServerOptions opts;
    opts.read_timeout_ms = 200;
    Fixture f(opts);
    RawSocket s(f.port());
    REQUIRE(s.connected());
    REQUIRE(s.write("GET /v1/orders/1 HTTP/1.1\r\nHo"));
    auto t0 = std::chrono::steady_clock::now();
    bool closed = false;
    std::string raw = s.read(10000, "", &closed);
    CHECK(closed);
    CHECK(raw.empty());
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    CHECK(wait_until(
        [&] { return f.registry.render().find("http_connections_open 0\n") != std::string::npos; },
        5000ms));
  }

  TEST_CASE("an idle keep-alive connection is closed at the idle timeout") {
    ServerOptions opts;
    opts.idle_timeout_ms = 200;
    Fixture f(opts);
    RawSocket s(f.port());
    REQUIRE(s.write("GET /v1/orders/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    std::string raw = s.read(10000, "", &closed);
    CHECK(raw.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(closed);
  }

  TEST_CASE("stop lets an in-flight request finish and refuses new connections") {
    Fixture f;
    test::HttpResult res;
    std::thread client([&] { res = f.get("/park/inflight"); });
    REQUIRE(wait_until([&] { return f.parked->size() == 1; }, 10000ms));
    uint16_t port = f.port();
    std::thread stopper([&] { f.server->stop(10000); });
    CHECK(wait_until([&] { return !RawSocket(port).connected(); }, 10000ms));
    f.parked->answer(0);
    client.join();
    stopper.join();
    CHECK(res.status == 200);
    CHECK(res.body == "inflight");
    CHECK(res.header("connection") == "close");
    f.server->stop();  // idempotent
  }

  TEST_CASE("stop closes connections whose requests outlive the drain deadline") {
    Fixture f;
    test::HttpResult res;
    std::thread client([&] { res = f.get("/park/never"); });
    REQUIRE(wait_until([&] { return f.parked->size() == 1; }, 10000ms));
    HttpConnection idle(f.port());
    REQUIRE(idle.request(bhttp::verb::get, "/v1/orders/1").status == 200);
    auto t0 = std::chrono::steady_clock::now();
    f.server->stop(100);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    client.join();
    CHECK(res.status == 0);  // connection closed without an answer
    f.parked->answer(0);     // a late answer after stop is dropped harmlessly
    f.parked->clear();
  }

  TEST_CASE("start fails with IOError when the port is taken") {
    Fixture f;
    ServerOptions opts;
    opts.port = f.port();
    metrics::Registry registry;
    Server second(opts, Router{}, registry);
    Status st = second.start();
    CHECK(st.code() == StatusCode::kIOError);
  }

  TEST_CASE("several io threads serve concurrent clients") {
    ServerOptions opts;
    opts.threads = 4;
    Fixture f(opts);
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        HttpConnection c(f.port());
        for (int i = 0; i < 50; ++i) {
          auto res = c.request(bhttp::verb::get, "/v1/orders/" + std::to_string(t * 100 + i));
          if (res.status == 200) ++ok;
        }
      });
    }
    for (auto& c : clients) c.join();
    CHECK(ok.load() == 400);
  }
}

}  // namespace
}  // namespace orderstream::http
