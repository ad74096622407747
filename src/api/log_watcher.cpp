#include "api/log_watcher.h"

#include <boost/asio/post.hpp>

#include <vector>

namespace orderstream::api {

std::shared_ptr<LogWatcher> LogWatcher::start(boost::asio::io_context& io, log::Log& log) {
  std::shared_ptr<LogWatcher> w(new LogWatcher(io, log));
  log.set_commit_listener([weak = std::weak_ptr<LogWatcher>(w)] {
    if (auto self = weak.lock()) self->notify();
  });
  return w;
}

void LogWatcher::stop() {
  log_.set_commit_listener({});
  std::lock_guard lock(mu_);
  stopped_ = true;  // a sweep already posted wakes nobody
  parked_.clear();
}

LogWatcher::Ticket LogWatcher::park(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  Ticket t = next_++;
  if (!stopped_) parked_.emplace(t, std::move(wake));
  return t;
}

void LogWatcher::unpark(Ticket ticket) {
  std::lock_guard lock(mu_);
  parked_.erase(ticket);
}

void LogWatcher::notify() {
  // One sweep in flight at a time: a burst of commits costs one post.
  if (sweep_pending_.exchange(true, std::memory_order_acq_rel)) return;
  boost::asio::post(io_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->sweep();
  });
}

void LogWatcher::sweep() {
  // Cleared first: a commit from now on posts another sweep, so none is missed.
  sweep_pending_.store(false, std::memory_order_release);
  std::map<Ticket, std::function<void()>> woken;
  {
    std::lock_guard lock(mu_);
    woken.swap(parked_);
  }
  for (auto& [ticket, wake] : woken) wake();
}

}  // namespace orderstream::api
