// Resource abuse against the real binary: a 100 MB body, a client sending one byte per second,
// and 10,000 idle connections. The server answers or drops each politely, does not buffer what
// it refuses, appends nothing, and keeps serving a fresh client throughout.
#include "e2e/hostile_fixture.h"

#include <sys/resource.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace orderstream::test;

namespace {

// A /proc/<pid>/status field in kB (VmHWM: peak resident set), or -1.
long proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// Raises the soft fd limit to the hard one; returns the limit now in force.
rlim_t raise_fd_limit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
  getrlimit(RLIMIT_NOFILE, &r);
  return r.rlim_cur;
}

// How many idle connections this process can hold: 10,000 unless the fd limit is lower (the
// server, a child, inherits the same limit and needs as many).
int idle_connection_count() {
  const rlim_t limit = raise_fd_limit();
  int n = 10000;
  if (limit < static_cast<rlim_t>(n) + 200) {
    n = static_cast<int>(limit) - 200;
    MESSAGE("RLIMIT_NOFILE is " << limit << ": testing " << n << " idle connections, not 10000");
  }
  return n;
}

}  // namespace

TEST_SUITE("e2e hostile limits") {
  TEST_CASE("a 100 MB body is answered 413 without being buffered") {
    ServerFixture s;
    s.start();
    const double before = appended_records(s);
    const long hwm_before = proc_status_kb(s.proc->pid(), "VmHWM");
    REQUIRE(hwm_before > 0);
    const std::string head =
        "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 104857600\r\n\r\n";
    const uint64_t total = head.size() + (100ull << 20);
    const std::string filler(64 << 10, ' ');
    PosixConn conn(s.port);
    REQUIRE(conn.connected());
    uint64_t sent = 0;
    const std::string answer = conn.send_and_read(
        total,
        [&](uint64_t off) {
          if (off < head.size()) return head.substr(off);
          return filler.substr(0, std::min<uint64_t>(filler.size(), total - off));
        },
        std::chrono::seconds(60), &sent);
    CAPTURE(answer);
    CHECK(first_status(answer) == 413);
    CHECK(is_json_error(first_body(answer)));
    // The server stopped reading soon after the limit (1 MB) and closed.
    CHECK(sent < total);
    const long hwm_after = proc_status_kb(s.proc->pid(), "VmHWM");
    CHECK_MESSAGE(hwm_after - hwm_before < 50 * 1024,
                  "peak RSS grew from " << hwm_before << " kB to " << hwm_after << " kB");
    CHECK(s.get("/health").status == 200);
    check_log_untouched(s, before);
  }

  TEST_CASE("a client sending one byte per second is cut off at the read timeout") {
    ServerFixture s;
    s.start(4, {"--read-timeout-ms", "1500"});
    const double before = appended_records(s);
    const std::string request = "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 91\r\n\r\n" +
                                std::string(R"({"id":"slow","customerId":1,"state":"CREATED",)") +
                                R"("product":"JUMPERS","quantity":1,"price":1.5})";
    PosixConn conn(s.port);
    REQUIRE(conn.connected());
    size_t sent = 0;
    bool closed = false;
    std::string answer;
    while (sent < request.size() && !closed) {
      if (::send(conn.fd(), request.data() + sent, 1, MSG_NOSIGNAL) != 1) {
        closed = true;
        break;
      }
      ++sent;
      // Waiting up to a second for the server to close paces the client at one byte per second.
      pollfd p{conn.fd(), POLLIN, 0};
      if (::poll(&p, 1, 1000) > 0) {
        char buf[4096];
        ssize_t n = ::recv(conn.fd(), buf, sizeof buf, 0);
        if (n > 0) answer.append(buf, static_cast<size_t>(n));
        closed = n <= 0;
      }
      // A fresh client is served while the slow one dribbles.
      if (sent == 1) CHECK(s.get("/health").status == 200);
    }
    CAPTURE(answer);
    CHECK(closed);
    CHECK(sent < request.size());
    CHECK(answer.empty());  // an incomplete request gets no answer: the connection just closes
    CHECK(s.get("/health").status == 200);
    check_log_untouched(s, before);
  }

  TEST_CASE("10000 idle connections are held within max-connections and a fresh client is served") {
    const int n = idle_connection_count();
    ServerFixture s;
    s.start(4, {"--max-connections", std::to_string(n + 100)});
    std::vector<std::unique_ptr<PosixConn>> idle;
    for (int i = 0; i < n; ++i) {
      idle.push_back(std::make_unique<PosixConn>(s.port));
      REQUIRE(idle.back()->connected());
      if (i % 1000 == 999) {
        CAPTURE(i);
        CHECK(s.get("/health").status == 200);
      }
    }
    CHECK(wait_until([&] { return metric(s, "http_connections_open") >= n; },
                     std::chrono::seconds(60)));
    CHECK(s.get("/health").status == 200);
    CHECK(metric(s, "http_connections_rejected_total") == 0);
    idle.clear();
    CHECK(wait_until([&] { return metric(s, "http_connections_open") <= 1; },
                     std::chrono::seconds(60)));
  }

  TEST_CASE("10000 connections past max-connections are refused with 503 JSON and the server recovers") {
    const int n = idle_connection_count();
    constexpr int kMax = 100;
    ServerFixture s;
    s.start(4, {"--max-connections", std::to_string(kMax)});
    std::vector<std::unique_ptr<PosixConn>> conns;
    for (int i = 0; i < n; ++i) {
      conns.push_back(std::make_unique<PosixConn>(s.port));
      REQUIRE(conns.back()->connected());
    }
    // The first kMax are held; every later one is answered 503 JSON and closed.
    int refused = 0, bad = 0;
    for (int i = kMax; i < n; ++i) {
      const std::string raw = conns[i]->exchange("", std::chrono::seconds(30));
      if (first_status(raw) == 503 && is_json_error(first_body(raw))) {
        ++refused;
      } else if (++bad <= 3) {
        MESSAGE("connection " << i << " got: " << raw);
      }
    }
    CHECK(refused == n - kMax);
    // A fresh client is refused politely too while the server is full...
    HttpResult full = s.get("/health");
    CHECK(full.status == 503);
    CHECK(is_json_error(full.body));
    // ...and served once the idle connections go away.
    conns.clear();
    CHECK(wait_until([&] { return s.get("/health").status == 200; }, std::chrono::seconds(60)));
    CHECK(metric(s, "http_connections_rejected_total") >= n - kMax);
  }
}
