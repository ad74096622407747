// Clients that simply go away (a reset mid-request, a reset during a long-poll, a close after a
// full answer) are how connections normally end: the server logs nothing for them.
#include <doctest/doctest.h>

#include "e2e/server_fixture.h"
#include "support/wait.h"

namespace orderstream::test {

TEST_CASE("disconnects: clients that reset or close leave no line in the server's log") {
  ServerFixture s;
  s.start(1);
  auto connections = [&] {
    HttpResult r = s.get("/metrics");
    size_t at = r.body.find("\nhttp_connections_open ");
    return at == std::string::npos ? -1 : std::stoi(r.body.substr(at + 23));
  };
  {
    RawSocket half(s.port);  // half a request, then a reset
    REQUIRE(half.connected());
    REQUIRE(half.write("GET /health HTTP/1.1\r\nHo"));
    RawSocket polling(s.port);  // a long-poll that will never be answered in time, then a reset
    REQUIRE(polling.connected());
    REQUIRE(polling.write("GET /v1/orders/nobody/validated?timeout=60000 HTTP/1.1\r\nHost: x\r\n\r\n"));
    RawSocket done(s.port);  // a full answer, then a plain close
    REQUIRE(done.connected());
    REQUIRE(done.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string seen;
    REQUIRE(done.read_until(&seen, "\"status\""));
    // The metrics request itself is one open connection.
    REQUIRE(wait_until([&] { return connections() == 4; }, std::chrono::seconds(10)));
    half.reset();
    polling.reset();
  }
  REQUIRE(wait_until([&] { return connections() == 1; }, std::chrono::seconds(10)));
  REQUIRE(s.stop() == 0);
  std::string log = s.proc->stderr_text();
  CHECK_MESSAGE(log.find("http:") == std::string::npos, log);
}

}  // namespace orderstream::test
