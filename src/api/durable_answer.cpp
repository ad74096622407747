#include "api/durable_answer.h"

#include <memory>

namespace orderstream::api {

void when_durable(const ApiContext& ctx, std::function<void(const Status&)> then) {
  // Taken after the caller's read: every commit that read saw is at or before this point.
  uint64_t point = ctx.log->commit_point();
  auto shared = std::make_shared<std::function<void(const Status&)>>(std::move(then));
  Status st = ctx.orders->writer().after_durable(point, [shared](const Status& s) { (*shared)(s); });
  if (!st.is_ok()) (*shared)(st);  // not queued: done was not called
}

Status wait_durable(const ApiContext& ctx) {
  if (!ctx.orders->writer().durable()) return Status::ok();  // answers as acknowledgements do
  return ctx.log->sync_through(ctx.log->commit_point());
}

void send_durable(const ApiContext& ctx, const Responder& res, Response rsp) {
  auto body = std::make_shared<Response>(std::move(rsp));
  when_durable(ctx, [res, body](const Status& st) {
    res.send(st.is_ok() ? std::move(*body) : status_response(st));
  });
}

}  // namespace orderstream::api
