// Helpers for the hostile-input end-to-end tests (hostile_*_test.cpp): checks that an answer is a
// 4xx with a {code, message} JSON body, a measure of what the log holds, and a raw POSIX
// connection that sends and reads at the same time. Header-only; one owner thread per object.
#pragma once

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>

#include "cli/cli_fixture.h"
#include "e2e/server_fixture.h"

namespace orderstream::test {

// True when `body` is a JSON object with string fields "code" and "message".
inline bool is_json_error(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return false;
  return doc["code"].is_string() && doc["message"].is_string();
}

// The answer is a 4xx with a JSON error body.
inline void check_rejected(const HttpResult& r, int status = 0) {
  CAPTURE(r.body);
  if (status != 0) {
    CHECK(r.status == status);
  } else {
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
  }
  CHECK(r.header("content-type") == "application/json");
  CHECK(is_json_error(r.body));
}

// Records appended to the log since the server started (every topic, internal ones included).
inline double appended_records(ServerFixture& s) {
  double n = metric(s, "log_appended_records_total");
  REQUIRE(n >= 0);
  return n;
}

// Stops the server (it must exit cleanly), then counts with the real CLI (`topics list`,
// `topics describe`) the records of every topic in its data dir.
inline long long records_after_stop(ServerFixture& s) {
  REQUIRE(s.stop() == 0);
  CliResult list = run_binary({"--data-dir", s.data_dir(), "topics", "list"}, "", s.dir.str());
  REQUIRE_MESSAGE(list.code == 0, list.err);
  long long total = 0;
  std::istringstream topics(list.out);
  for (std::string topic; std::getline(topics, topic);) {
    CliResult d =
        run_binary({"--data-dir", s.data_dir(), "topics", "describe", topic}, "", s.dir.str());
    REQUIRE_MESSAGE(d.code == 0, d.err);
    std::istringstream rows(d.out);
    std::string line;
    std::getline(rows, line);  // Topic: ...
    std::getline(rows, line);  // PARTITION START-OFFSET END-OFFSET RECORDS BYTES
    for (long long p, start, end, records, bytes; rows >> p >> start >> end >> records >> bytes;) {
      total += records;
    }
  }
  return total;
}

// Nothing reached the log: the appended-records metric still reads `appended_before`, and after a
// clean stop no topic holds a record.
inline void check_log_untouched(ServerFixture& s, double appended_before) {
  CHECK(appended_records(s) == appended_before);
  CHECK(records_after_stop(s) == 0);
}

// A plain blocking TCP connection to 127.0.0.1:port, for sending what no HTTP client would.
class PosixConn {
 public:
  explicit PosixConn(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~PosixConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  PosixConn(const PosixConn&) = delete;
  PosixConn& operator=(const PosixConn&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // Sends `total` bytes produced by `chunk(offset)` (each call returns the next bytes), reading
  // whatever the server answers meanwhile, until everything is sent or the server stops taking
  // bytes (it closed or reset), then reads until EOF or the deadline. Returns what was read;
  // *sent is the number of bytes the kernel accepted.
  // With fin, the write side is shut down once everything is sent (the server then answers what
  // it read and closes).
  std::string send_and_read(uint64_t total, const std::function<std::string(uint64_t)>& chunk,
                            std::chrono::milliseconds deadline, uint64_t* sent, bool fin = false) {
    std::string out, pending;
    uint64_t done = 0;
    bool sending = true;
    const auto end = std::chrono::steady_clock::now() + deadline;
    char buf[65536];
    while (std::chrono::steady_clock::now() < end) {
      if (sending && pending.empty() && done < total) pending = chunk(done);
      if (sending && done >= total) {
        sending = false;
        if (fin) ::shutdown(fd_, SHUT_WR);
      }
      pollfd p{fd_, static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) out.append(buf, static_cast<size_t>(n));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
      }
      if (sending && (p.revents & POLLOUT)) {
        ssize_t n = ::send(fd_, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
          done += static_cast<uint64_t>(n);
          pending.erase(0, static_cast<size_t>(n));
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          sending = false;  // the server closed: read what it said
        }
      }
    }
    if (sent) *sent = done;
    return out;
  }

  // Sends all of `bytes` and a FIN, then reads until EOF or the deadline.
  std::string exchange(const std::string& bytes, std::chrono::milliseconds deadline) {
    return send_and_read(
        bytes.size(), [&](uint64_t off) { return bytes.substr(off); }, deadline, nullptr, true);
  }

 private:
  int fd_ = -1;
};

// The status code of the first response in raw HTTP bytes, or 0.
inline int first_status(const std::string& raw) {
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.substr(9, 3).c_str());
}

// The body of the first response in raw bytes (after the blank line; assumes Content-Length).
inline std::string first_body(const std::string& raw) {
  size_t at = raw.find("\r\n\r\n");
  if (at == std::string::npos) return "";
  size_t cl = raw.find("Content-Length: ");
  if (cl == std::string::npos || cl > at) return raw.substr(at + 4);
  size_t n = std::strtoul(raw.c_str() + cl + 16, nullptr, 10);
  return raw.substr(at + 4, n);
}

}  // namespace orderstream::test
