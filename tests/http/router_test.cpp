#include "http/router.h"

#include <doctest/doctest.h>

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/response.h"

namespace orderstream::http {
namespace {

namespace bhttp = boost::beast::http;

// Captures what a Router answers, without a server.
struct Sink : ResponseSink {
  void complete(uint64_t, Response r) override {
    std::lock_guard<std::mutex> lock(mu);
    res = std::move(r);
    ++completions;
  }
  std::mutex mu;
  std::optional<Response> res;
  int completions = 0;
};

struct Fixture {
  Router router;
  std::shared_ptr<Sink> sink = std::make_shared<Sink>();
  std::optional<RouteRequest> seen;

  Fixture() {
    auto capture = [this](RouteRequest&& rr, Responder r) {
      seen = std::move(rr);
      r.send(json_response(bhttp::status::ok, "{}"));
    };
    router.add(bhttp::verb::get, "/v1/orders/{id}", capture);
    router.add(bhttp::verb::put, "/v1/orders/{id}", capture, "orders_put");
    router.add(bhttp::verb::get, "/v1/orders/{id}/validated", capture);
    router.add(bhttp::verb::get, "/", capture, "root");
    router.add(bhttp::verb::get, "/throws",
               [](RouteRequest&&, Responder) { throw std::runtime_error("boom"); });
  }

  // Dispatches and returns the route label; the response (if any) is in sink->res.
  std::string dispatch(bhttp::verb v, const std::string& target) {
    seen.reset();
    Request req{v, target, 11};
    return router.dispatch(std::move(req), Responder(sink, 1));
  }
  unsigned status() const { return sink->res ? sink->res->result_int() : 0; }
  std::string body() const { return sink->res ? sink->res->body() : ""; }
};

TEST_SUITE("http") {
  TEST_CASE("path parameters and the query string are url-decoded") {
    Fixture f;
    CHECK(f.dispatch(bhttp::verb::get, "/v1/orders/a%20b%2Fc/validated?timeout=5&q=x+y%26z&flag") ==
          "/v1/orders/{id}/validated");
    REQUIRE(f.seen.has_value());
    CHECK(f.seen->params.at("id") == "a b/c");
    CHECK(f.seen->path == "/v1/orders/a b/c/validated");
    CHECK(f.seen->query.at("timeout") == "5");
    CHECK(f.seen->query.at("q") == "x y&z");
    CHECK(f.seen->query.at("flag") == "");
    CHECK(f.seen->req.target() == "/v1/orders/a%20b%2Fc/validated?timeout=5&q=x+y%26z&flag");
    CHECK(f.status() == 200);
  }

  TEST_CASE("a trailing slash on the request path also matches") {
    Fixture f;
    CHECK(f.dispatch(bhttp::verb::get, "/v1/orders/7/") == "/v1/orders/{id}");
    REQUIRE(f.seen.has_value());
    CHECK(f.seen->params.at("id") == "7");
    CHECK(f.dispatch(bhttp::verb::get, "/") == "root");
    CHECK(f.status() == 200);
  }

  TEST_CASE("the route name labels the route when given") {
    Fixture f;
    CHECK(f.dispatch(bhttp::verb::put, "/v1/orders/7") == "orders_put");
  }

  TEST_CASE("an unknown path is a 404 JSON error") {
    Fixture f;
    CHECK(f.dispatch(bhttp::verb::get, "/v1/nothing") == "unmatched");
    CHECK(f.status() == 404);
    CHECK(f.body() == R"({"code":"NotFound","message":"no route for /v1/nothing"})");
    CHECK(f.sink->res->at(bhttp::field::content_type) == "application/json");
    SUBCASE("an empty parameter segment does not match") {
      CHECK(f.dispatch(bhttp::verb::get, "/v1/orders//validated") == "unmatched");
      CHECK(f.status() == 404);
    }
  }

  TEST_CASE("a known path with the wrong method is a 405 with an Allow header") {
    Fixture f;
    CHECK(f.dispatch(bhttp::verb::delete_, "/v1/orders/7") == "unmatched");
    CHECK(f.status() == 405);
    CHECK(f.sink->res->at(bhttp::field::allow) == "GET, PUT");
    CHECK(f.body().find("\"code\":\"MethodNotAllowed\"") != std::string::npos);
  }

  TEST_CASE("bad percent-encoding is a 400") {
    Fixture f;
    f.dispatch(bhttp::verb::get, "/v1/orders/%zz");
    CHECK(f.status() == 400);
    f.dispatch(bhttp::verb::get, "/v1/orders/1?x=%4");
    CHECK(f.status() == 400);
    f.dispatch(bhttp::verb::get, "*");
    CHECK(f.status() == 400);
  }

  TEST_CASE("a handler that throws is answered 500 exactly once") {
    Fixture f;
    f.dispatch(bhttp::verb::get, "/throws");
    CHECK(f.status() == 500);
    CHECK(f.body() == R"({"code":"Internal","message":"boom"})");
    CHECK(f.sink->completions == 1);
  }

  TEST_CASE("url_decode rejects truncated escapes") {
    std::string out;
    CHECK(url_decode("a%41+b", &out, false));
    CHECK(out == "aA+b");
    CHECK(url_decode("a%41+b", &out, true));
    CHECK(out == "aA b");
    CHECK_FALSE(url_decode("%", &out, false));
    CHECK_FALSE(url_decode("%4", &out, false));
    CHECK_FALSE(url_decode("%g1", &out, false));
  }

  TEST_CASE("url_encode_segment gives one segment that decodes back to the input") {
    CHECK(url_encode_segment("o-1.x_~") == "o-1.x_~");
    CHECK(url_encode_segment("a?b#c%d e/f") == "a%3Fb%23c%25d%20e%2Ff");
    CHECK(url_encode_segment("..") == "%2E%2E");
    CHECK(url_encode_segment("\xff") == "%FF");
    for (std::string id : {"a?b", "x#y", "100%", "a b", "..", "caf\xc3\xa9", "+"}) {
      std::string out;
      CHECK(url_decode(url_encode_segment(id), &out, false));
      CHECK(out == id);
    }
  }
}

}  // namespace
}  // namespace orderstream::http
