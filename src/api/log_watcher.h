// Wakes parked long-polls as soon as the log commits, instead of on their next timer tick (which
// added up to 10 ms to every answer: a Kafka fetch, a REST Proxy or SSE read waiting at the end
// of a topic). The log calls back after each commit (Log::set_commit_listener); that posts one
// sweep to the io_context however many commits come before it runs, and the sweep hands each
// parked poll its wake-up. Thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "log/log.h"

namespace orderstream::api {

class LogWatcher : public std::enable_shared_from_this<LogWatcher> {
 public:
  // Registers with `log`; stop() unregisters, and nothing parked (before or after) is woken
  // any more. REQUIRES: log and io outlive the watcher's use.
  static std::shared_ptr<LogWatcher> start(boost::asio::io_context& io, log::Log& log);
  void stop();

  using Ticket = uint64_t;
  // wake() runs once, on an io thread, after the next commit (or never, once unparked).
  Ticket park(std::function<void()> wake);
  void unpark(Ticket ticket);

 private:
  LogWatcher(boost::asio::io_context& io, log::Log& log) : io_(io), log_(log) {}
  void notify();  // from the committing thread
  void sweep();

  boost::asio::io_context& io_;
  log::Log& log_;
  std::atomic<bool> sweep_pending_{false};
  std::mutex mu_;
  std::map<Ticket, std::function<void()>> parked_;  // GUARDED_BY(mu_)
  Ticket next_ = 1;                                  // GUARDED_BY(mu_)
  bool stopped_ = false;                             // GUARDED_BY(mu_)
};

}  // namespace orderstream::api
