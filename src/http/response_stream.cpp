#include "http/response_stream.h"

namespace orderstream::http {

void StreamState::notify_locked(std::unique_lock<std::mutex>& lock) {
  if (notified_ || !sink_) return;
  notified_ = true;
  // Called without the lock: the sink posts to its strand and must not wait on us.
  std::shared_ptr<StreamSink> sink = sink_;
  lock.unlock();
  sink->stream_ready(id_);
}

bool StreamState::write(std::string_view data) {
  std::unique_lock lock(mu_);
  if (closed_ || ended_) return false;
  if (data.empty()) return true;
  queued_.append(data);
  notify_locked(lock);
  return true;
}

void StreamState::end() {
  std::unique_lock lock(mu_);
  if (ended_) return;
  ended_ = true;
  notify_locked(lock);
}

bool StreamState::closed() const {
  std::lock_guard lock(mu_);
  return closed_ || ended_;
}

size_t StreamState::buffered() const {
  std::lock_guard lock(mu_);
  return queued_.size();
}

bool StreamState::take(std::string* out) {
  std::lock_guard lock(mu_);
  notified_ = false;
  out->clear();
  out->swap(queued_);
  return ended_ && out->empty();
}

void StreamState::close() {
  std::shared_ptr<StreamSink> released;
  std::lock_guard lock(mu_);
  closed_ = true;
  queued_.clear();
  released = std::move(sink_);  // destroyed after the lock is released (declared first)
}

void StreamState::shut_down() {
  std::unique_lock lock(mu_);
  closed_ = true;
  ended_ = true;
  notified_ = false;  // make sure the session hears about the end
  notify_locked(lock);
}

struct ResponseStream::Owner {
  explicit Owner(std::shared_ptr<StreamState> s) : state(std::move(s)) {}
  ~Owner() { state->end(); }
  std::shared_ptr<StreamState> state;
};

ResponseStream::ResponseStream(std::shared_ptr<StreamState> state)
    : owner_(std::make_shared<Owner>(std::move(state))) {}

bool ResponseStream::write(std::string_view data) const { return owner_ && owner_->state->write(data); }

void ResponseStream::end() const {
  if (owner_) owner_->state->end();
}

bool ResponseStream::closed() const { return !owner_ || owner_->state->closed(); }

size_t ResponseStream::buffered() const { return owner_ ? owner_->state->buffered() : 0; }

}  // namespace orderstream::http
