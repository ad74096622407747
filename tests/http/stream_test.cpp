// Streamed responses (Responder::stream): the head at once, each write as one chunk on the open
// connection, the end as the last chunk; a departed client, a stopping server, a dropped producer,
// a client that stops reading, HTTP/1.0 and pipelining.
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http/server.h"
#include "support/check_ok.h"
#include "support/http_client.h"
#include "support/wait.h"

namespace orderstream::http {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using test::RawSocket;
using test::wait_until;

void read_until(RawSocket& sock, std::string* seen, const std::string& until) {
  REQUIRE_MESSAGE(sock.read_until(seen, until), "did not receive " << until << " after " << *seen);
}

// A Server whose GET /stream hands its ResponseStream to the test thread.
struct StreamFixture {
  metrics::Registry registry;
  std::mutex mu;
  std::vector<ResponseStream> streams;  // GUARDED_BY(mu)
  std::unique_ptr<Server> server;

  explicit StreamFixture(ServerOptions opts = {}) {
    Router router;
    router.add(bhttp::verb::get, "/stream", [this](RouteRequest&&, Responder r) {
      ResponseStream s = r.stream(make_response(bhttp::status::ok, "", "text/plain"));
      std::lock_guard lock(mu);
      streams.push_back(std::move(s));
    });
    router.add(bhttp::verb::get, "/plain", [](RouteRequest&&, Responder r) {
      r.send(make_response(bhttp::status::ok, "the plain answer", "text/plain"));
    });
    server = std::make_unique<Server>(opts, std::move(router), registry);
    REQUIRE_OK(server->start());
  }
  uint16_t port() const { return server->port(); }
  // The i-th stream opened, once its handler ran.
  ResponseStream stream(size_t i) {
    REQUIRE(wait_until([&] { std::lock_guard lock(mu); return streams.size() > i; }, 10000ms));
    std::lock_guard lock(mu);
    return streams[i];
  }
  // Sends GET /stream on `sock` and reads the head into *seen; the stream it opened (the i-th).
  ResponseStream open(RawSocket& sock, std::string* seen, size_t i = 0) {
    REQUIRE(sock.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    read_until(sock, seen, "\r\n\r\n");
    return stream(i);
  }
  void drop_streams() {
    std::lock_guard lock(mu);
    streams.clear();
  }
};

TEST_SUITE("http") {
  TEST_CASE("a streamed response sends each write as a chunk on the open connection, then keeps it alive") {
    StreamFixture f;
    RawSocket sock(f.port());
    std::string seen;
    ResponseStream s = f.open(sock, &seen);
    CHECK(seen.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(seen.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(seen.find("Content-Length") == std::string::npos);
    // Each write arrives before the next is made: the connection is really open.
    CHECK(s.write("first"));
    read_until(sock, &seen, "5\r\nfirst\r\n");
    CHECK(s.write(std::string(300, 'x')));
    read_until(sock, &seen, "12c\r\n" + std::string(300, 'x') + "\r\n");
    s.end();
    read_until(sock, &seen, "\r\n0\r\n\r\n");
    CHECK(s.closed());
    CHECK_FALSE(s.write("late"));
    // The connection serves the next request.
    REQUIRE(sock.write("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string next;
    read_until(sock, &next, "the plain answer");
    CHECK(next.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  }

  TEST_CASE("a client that leaves closes the stream for its producer") {
    StreamFixture f;
    ResponseStream s;
    {
      RawSocket sock(f.port());
      std::string seen;
      s = f.open(sock, &seen);
    }  // closed
    CHECK(wait_until([&] { return s.closed(); }, 10000ms));
    CHECK_FALSE(s.write("nobody reads this"));
  }

  TEST_CASE("a dropped producer ends its stream") {
    StreamFixture f;
    RawSocket sock(f.port());
    std::string seen;
    f.open(sock, &seen).write("last words");
    f.drop_streams();
    read_until(sock, &seen, "a\r\nlast words\r\n0\r\n\r\n");
  }

  TEST_CASE("stop ends open streams after what is queued and tells their producers") {
    StreamFixture f;
    RawSocket sock(f.port());
    std::string seen;
    ResponseStream s = f.open(sock, &seen);
    CHECK(s.write("queued"));
    std::thread stopper([&] { f.server->stop(10000); });
    read_until(sock, &seen, "6\r\nqueued\r\n0\r\n\r\n");
    stopper.join();
    CHECK(s.closed());
    CHECK(seen.find("Connection: close") == std::string::npos);  // the head went out before stop
  }

  TEST_CASE("an HTTP/1.0 client gets the body unframed, ended by the close") {
    StreamFixture f;
    RawSocket sock(f.port());
    REQUIRE(sock.write("GET /stream HTTP/1.0\r\n\r\n"));
    ResponseStream s = f.stream(0);
    s.write("abc");
    s.write("def");
    s.end();
    bool closed = false;
    std::string raw = sock.read(10000, "", &closed);
    CHECK(closed);
    CHECK(raw.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    CHECK(raw.find("Transfer-Encoding") == std::string::npos);
    CHECK(raw.substr(raw.find("\r\n\r\n") + 4) == "abcdef");
  }

  TEST_CASE("a request pipelined behind a stream is answered when the stream ends") {
    StreamFixture f;
    RawSocket sock(f.port());
    REQUIRE(sock.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n"));
    ResponseStream s = f.stream(0);
    s.write("one");
    std::string seen;
    read_until(sock, &seen, "3\r\none\r\n");
    CHECK(seen.find("the plain answer") == std::string::npos);
    s.end();
    read_until(sock, &seen, "the plain answer");
    CHECK(seen.find("0\r\n\r\nHTTP/1.1 200 OK\r\n") != std::string::npos);
  }

  TEST_CASE("a client that stops reading is cut off at the write timeout") {
    ServerOptions opts;
    opts.write_timeout_ms = 300;
    StreamFixture f(opts);
    RawSocket sock(f.port());  // never reads
    REQUIRE(sock.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    ResponseStream s = f.stream(0);
    const std::string mb(1 << 20, 'z');
    // Fill the socket buffers; the producer keeps at most a few MB queued, as a real one should.
    CHECK(wait_until([&] {
      if (s.buffered() < (4u << 20)) s.write(mb);
      return s.closed();
    }, 30000ms));
  }
}

}  // namespace
}  // namespace orderstream::http
