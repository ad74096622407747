// Malformed HTTP against the real binary: broken request lines, headers and framing are
// answered 4xx with a {code, message} JSON body, nothing reaches the log, and clients cannot
// grow the metrics without bound by inventing methods.
#include "e2e/hostile_fixture.h"

#include <string>
#include <vector>

using namespace orderstream::test;

namespace {

const std::string kBody =
    R"({"id":"o-1","customerId":42,"state":"CREATED","product":"JUMPERS","quantity":3,"price":1.5})";

// Sends `raw` on a fresh connection (then FIN) and requires a first answer of 4xx JSON.
void check_raw_rejected(ServerFixture& s, const std::string& raw, int status = 0) {
  CAPTURE(raw);
  PosixConn conn(s.port);
  REQUIRE(conn.connected());
  const std::string answer = conn.exchange(raw, std::chrono::seconds(30));
  CAPTURE(answer);
  if (status != 0) {
    CHECK(first_status(answer) == status);
  } else {
    CHECK(first_status(answer) >= 400);
    CHECK(first_status(answer) < 500);
  }
  CHECK(answer.find("Content-Type: application/json") != std::string::npos);
  CHECK(is_json_error(first_body(answer)));
}

}  // namespace

TEST_SUITE("e2e hostile http") {
  TEST_CASE("malformed request lines, headers and framing are 4xx JSON and append nothing") {
    ServerFixture s;
    s.start();
    const double before = appended_records(s);
    const std::string post = "POST /v1/orders HTTP/1.1\r\nHost: x\r\n";
    const std::vector<std::string> requests = {
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET /health HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET /health HTTP/1.1\r\nBad Name: x\r\n\r\n",
        std::string("GET /health HTTP/1.1\r\nX: a") + '\0' + "b\r\n\r\n",
        "GET /health HTTP/1.1\r\n : x\r\n\r\n",
        post + "Content-Length: abc\r\n\r\n" + kBody,
        post + "Content-Length: -1\r\n\r\n" + kBody,
        post + "Content-Length: 91\r\nContent-Length: 90\r\n\r\n" + kBody,
        post + "Content-Length: 99999999999999999999999\r\n\r\n" + kBody,
        post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + kBody + "\r\n0\r\n\r\n",
        post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + kBody + "\r\n0\r\n\r\n",
        post + "Transfer-Encoding: chunked\r\nContent-Length: 91\r\n\r\n5b\r\n" + kBody +
            "\r\n0\r\n\r\n",
        post + "Content-Length: 9\r\n\r\n{\"id\":\"o-", // valid framing, truncated JSON
        "DELETE /v1/orders/o-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        "BREW /v1/orders HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (const std::string& r : requests) check_raw_rejected(s, r);
    // A header section past the limit (many small fields): 431.
    std::string many = "GET /health HTTP/1.1\r\n";
    for (int i = 0; i < 2000; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
    check_raw_rejected(s, many + "\r\n", 431);
    // Expect: 100-continue with a declared body over the limit: 413 before any body is sent.
    check_raw_rejected(s, post + "Expect: 100-continue\r\nContent-Length: 104857600\r\n\r\n", 413);
    check_log_untouched(s, before);
  }

  TEST_CASE("invented methods share one metrics label instead of one series each") {
    ServerFixture s;
    s.start();
    for (int i = 0; i < 50; ++i) {
      check_raw_rejected(s, "M" + std::to_string(i) + " /v1/orders HTTP/1.1\r\nHost: x\r\n\r\n", 405);
    }
    const std::string metrics = s.get("/metrics").body;
    CHECK(metrics.find("method=\"M7\"") == std::string::npos);
    CHECK(metrics.find("method=\"OTHER\"") != std::string::npos);
  }
}
