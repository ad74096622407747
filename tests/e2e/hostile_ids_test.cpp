// Path traversal and odd characters in ids and paths against the real binary: each is answered
// 4xx with a {code, message} JSON body (valid JSON even when the path held bytes that are not
// UTF-8), and nothing reaches the log. Ids that are legal but awkward in a URL stay addressable.
#include "e2e/hostile_fixture.h"

#include <string>
#include <vector>

using namespace orderstream::test;

TEST_SUITE("e2e hostile ids") {
  TEST_CASE("traversal, NUL, overlong, non-ASCII and malformed ids in paths are 4xx JSON") {
    ServerFixture s;
    s.start();
    const double before = appended_records(s);
    const std::string long_id(129, 'x');
    const std::vector<std::string> ids = {
        "%2e%2e", "%2E%2E", ".", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%00", "a%00b", "%0a", "a%0d%0aSet-Cookie:x", long_id, "%C3%A9",
        "%F0%9F%98%80", "%ff", "%c0%af", "%ed%a0%80", "%", "%zz", "a%2",
    };
    HttpConnection c(s.port);
    for (const std::string& id : ids) {
      for (const std::string& target :
           {"/v1/orders/" + id + "?timeout=0", "/v1/orders/" + id + "/validated?timeout=0",
            "/v1/customers/" + id, "/v1/inventory/" + id}) {
        CAPTURE(target);
        check_rejected(c.request(bhttp::verb::get, target));
      }
      CAPTURE(id);
      check_rejected(c.request(bhttp::verb::put, "/v1/inventory/" + id, "{\"stock\":1}"));
    }
    for (const char* target :
         {"/%ff", "/v1/%ff%fe", "/v1/orders/../../etc/passwd", "/v1/../v1/orders/x",
          "/v1/customers/99999999999999999999", "/v1/customers/1x", "/v1/customers/-",
          "/v1/orders/x?timeout=-1", "/v1/orders/x?timeout=1e3", "/v1/orders/x?timeout=%ff",
          "/v1/orders/x?timeout=99999999999", "/v1/orders/x?%zz=1"}) {
      CAPTURE(target);
      check_rejected(c.request(bhttp::verb::get, target));
    }
    // A 100 KB id does not fit the header limit: 431, then the server closes.
    check_rejected(c.request(bhttp::verb::get, "/v1/orders/" + std::string(100000, 'x')), 431);
    check_log_untouched(s, before);
  }

  TEST_CASE("request targets that are not origin-form paths are 400 JSON") {
    ServerFixture s;
    s.start();
    for (const std::string& target :
         {std::string("*"), std::string("v1/orders/x"), std::string("http://evil/v1/orders/x"),
          std::string("/v1/orders/a\x01b"), std::string("/v1/orders/\xc3\xa9"),
          std::string("/v1/orders/a b")}) {
      CAPTURE(target);
      PosixConn conn(s.port);
      REQUIRE(conn.connected());
      std::string raw =
          conn.exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(30));
      CAPTURE(raw);
      CHECK(first_status(raw) >= 400);
      CHECK(first_status(raw) < 500);
      CHECK(is_json_error(first_body(raw)));
    }
    CHECK(records_after_stop(s) == 0);
  }

  TEST_CASE("an order id with URL-special characters stays addressable through its Location") {
    ServerFixture s;
    s.start();
    const std::string id = "a?b#c%d e+f:~";
    std::string body = order_json("", 1, "JUMPERS", 1, 1.0);
    body.replace(body.find("\"id\":\"\""), 7, "\"id\":\"" + id + "\"");
    HttpResult post = s.post("/v1/orders", body);
    REQUIRE_MESSAGE(post.status == 201, post.body);
    const std::string location = post.header("location");
    CHECK(location == "/v1/orders/a%3Fb%23c%25d%20e%2Bf%3A~");
    HttpResult get = s.get(location + "?timeout=30000");
    CHECK(get.status == 200);
    CHECK(get.body.find("\"id\":\"" + id + "\"") != std::string::npos);
  }
}
