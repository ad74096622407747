#include "http/server.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <utility>

#include "common/check.h"
#include "http/listener.h"
#include "http/server_context.h"
#include "http/session.h"

namespace orderstream::http {

namespace {
// After force-closing, how long closes may take to run on the io threads.
constexpr auto kForceCloseGrace = std::chrono::milliseconds(1000);
}  // namespace

Server::Server(ServerOptions opts, Router router, metrics::Registry& registry)
    : ctx_(std::make_shared<ServerContext>(std::move(opts), std::move(router), registry)),
      ioc_(ctx_->opts.threads > 0 ? ctx_->opts.threads : 1) {}

Server::~Server() { stop(); }

Status Server::start() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  OS_CHECK(!started_ && !stopped_);
  started_ = true;
  listener_ = std::make_shared<Listener>(ioc_, ctx_);
  Status st = listener_->open(ctx_->opts.host, ctx_->opts.port);
  if (!st.is_ok()) {
    listener_.reset();
    return st;
  }
  port_ = listener_->port();
  work_.emplace(ioc_.get_executor());
  listener_->run();
  int n = ctx_->opts.threads > 0 ? ctx_->opts.threads : 1;
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { run_io(); });
  return Status::ok();
}

void Server::run_io() {
  // Nothing may escape a thread's entry function; handlers should not throw, but if one does the
  // thread logs it and keeps serving.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "http: io thread caught an exception: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "http: io thread caught a non-std exception\n");
    }
  }
}

void Server::stop(int drain_deadline_ms) {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (!listener_) return;  // never started
  OS_CHECK(!ioc_.get_executor().running_in_this_thread());

  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(drain_deadline_ms);
  listener_->close();
  // draining is set before the index snapshot; Session::start checks it after joining the index.
  ctx_->draining.store(true);
  for (auto& s : ctx_->live_sessions()) s->drain();
  if (!ctx_->wait_all_closed(deadline)) {
    size_t open = ctx_->open_connections();
    std::fprintf(stderr, "http: drain deadline passed with %zu connection(s) open; closing them\n",
                 open);
    for (auto& s : ctx_->live_sessions()) s->force_close();
    if (!ctx_->wait_all_closed(std::chrono::steady_clock::now() + kForceCloseGrace)) {
      std::fprintf(stderr, "http: %zu connection(s) did not close; stopping the io threads\n",
                   ctx_->open_connections());
    }
  }
  // From here on nothing is posted to ioc_; pending handlers are destroyed with it.
  ctx_->stopped.store(true);
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  listener_.reset();
}

}  // namespace orderstream::http
