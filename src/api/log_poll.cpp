#include "api/log_poll.h"

#include "api/armed_timers.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <optional>

namespace orderstream::api {

namespace asio = boost::asio;

namespace {

// The fallback re-check: a poll that also watches a counter (or waits for a slow reader, as
// SSE does) retries this often; commits wake it at once through the LogWatcher.
constexpr std::chrono::milliseconds kRecheck{10};

struct PollState {
  PollState(asio::io_context& io, const log::Log& l, LogWatcher* w) : timer(asio::make_strand(io)), log(l), watcher(w) {}
  asio::steady_timer timer;
  const log::Log& log;
  LogWatcher* watcher;
  std::chrono::steady_clock::time_point deadline;
  uint64_t seen = 0;
  uint64_t round = 0;  // of the current wait; wake-ups of an earlier one are stale
  bool done = false;
  std::optional<LogWatcher::Ticket> ticket;
  std::function<bool()> attempt;
  std::function<void()> expired;
  std::function<uint64_t()> also_watch;
  // The sum of two non-decreasing counters changes exactly when one of them does.
  uint64_t version() const { return log.version() + (also_watch ? also_watch() : 0); }
};

void schedule(const std::shared_ptr<PollState>& s);

// On the strand: answered, expired, or waiting again.
void check(const std::shared_ptr<PollState>& s) {
  if (s->done) return;
  bool answered = false;
  if (std::chrono::steady_clock::now() >= s->deadline) {
    s->expired();
    answered = true;
  } else if (uint64_t v = s->version(); v != s->seen) {
    s->seen = v;
    answered = s->attempt();
  }
  if (!answered) return schedule(s);
  s->done = true;
  if (s->ticket && s->watcher) s->watcher->unpark(*s->ticket);
  s->timer.cancel();
}

void wake_on_strand(const std::shared_ptr<PollState>& s, uint64_t round) {
  asio::post(s->timer.get_executor(), [s, round] {
    if (s->done || round != s->round) return;
    s->ticket.reset();  // the sweep that woke us has dropped it
    s->timer.cancel();
    check(s);
  });
}

void schedule(const std::shared_ptr<PollState>& s) {
  uint64_t round = ++s->round;
  auto now = std::chrono::steady_clock::now();
  s->timer.expires_after(std::min<std::chrono::steady_clock::duration>(kRecheck, s->deadline - now));
  s->timer.async_wait([s, round, armed = ArmedTimer::arm()](const boost::system::error_code& ec) {
    if (ec || round != s->round) return;
    check(s);
  });
  if (!s->watcher) return;
  if (s->ticket) s->watcher->unpark(*s->ticket);
  s->ticket = s->watcher->park([s, round] { wake_on_strand(s, round); });
  // A commit between the version read in check() and the park would wake nobody: look again.
  if (s->version() != s->seen) wake_on_strand(s, round);
}

}  // namespace

void poll_log(asio::io_context& io, const log::Log& log, LogWatcher* watcher, std::chrono::milliseconds timeout,
              std::function<bool()> attempt, std::function<void()> expired,
              std::function<uint64_t()> also_watch) {
  auto s = std::make_shared<PollState>(io, log, watcher);
  s->deadline = std::chrono::steady_clock::now() + timeout;
  s->attempt = std::move(attempt);
  s->expired = std::move(expired);
  s->also_watch = std::move(also_watch);
  asio::post(s->timer.get_executor(), [s] {
    s->seen = s->version();  // read before the attempt: a later commit triggers a retry
    if (s->attempt()) {
      s->done = true;
      return;
    }
    schedule(s);
  });
}

}  // namespace orderstream::api
