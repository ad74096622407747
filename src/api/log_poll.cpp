#include "api/log_poll.h"

#include "api/armed_timers.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>

namespace orderstream::api {

namespace asio = boost::asio;

namespace {

// Short enough to feel live. Each parked poll costs one timer wake-up (an atomic load) per
// period; many thousands of parked polls would want one shared waiter thread instead.
constexpr std::chrono::milliseconds kRecheck{10};

struct PollState {
  PollState(asio::io_context& io, const log::Log& l) : timer(asio::make_strand(io)), log(l) {}
  asio::steady_timer timer;
  const log::Log& log;
  std::chrono::steady_clock::time_point deadline;
  uint64_t seen = 0;
  std::function<bool()> attempt;
  std::function<void()> expired;
  std::function<uint64_t()> also_watch;
  // The sum of two non-decreasing counters changes exactly when one of them does.
  uint64_t version() const { return log.version() + (also_watch ? also_watch() : 0); }
};

void schedule(const std::shared_ptr<PollState>& s) {
  auto now = std::chrono::steady_clock::now();
  if (now >= s->deadline) return s->expired();
  s->timer.expires_after(std::min<std::chrono::steady_clock::duration>(kRecheck, s->deadline - now));
  s->timer.async_wait([s, armed = ArmedTimer::arm()](const boost::system::error_code& ec) {
    if (ec) return;
    uint64_t v = s->version();
    if (v != s->seen) {
      s->seen = v;
      if (s->attempt()) return;
    }
    schedule(s);
  });
}

}  // namespace

void poll_log(asio::io_context& io, const log::Log& log, std::chrono::milliseconds timeout,
              std::function<bool()> attempt, std::function<void()> expired,
              std::function<uint64_t()> also_watch) {
  auto s = std::make_shared<PollState>(io, log);
  s->deadline = std::chrono::steady_clock::now() + timeout;
  s->attempt = std::move(attempt);
  s->expired = std::move(expired);
  s->also_watch = std::move(also_watch);
  asio::post(s->timer.get_executor(), [s] {
    s->seen = s->version();  // read before the attempt: a later commit triggers a retry
    if (!s->attempt()) schedule(s);
  });
}

}  // namespace orderstream::api
