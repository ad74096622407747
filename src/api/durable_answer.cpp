#include "api/durable_answer.h"

#include <memory>

namespace orderstream::api {

void when_durable(const RouteBase& base, std::function<void(const Status&)> then) {
  // Taken after the caller's read: every commit that read saw is at or before this point.
  uint64_t point = base.log->commit_point();
  auto shared = std::make_shared<std::function<void(const Status&)>>(std::move(then));
  Status st = base.writer->after_durable(point, [shared](const Status& s) { (*shared)(s); });
  if (!st.is_ok()) (*shared)(st);  // not queued: done was not called
}

Status wait_durable(const RouteBase& base) {
  if (!base.writer->durable()) return Status::ok();  // answers as acknowledgements do
  return base.log->sync_through(base.log->commit_point());
}

void send_durable(const RouteBase& base, const Responder& res, Response rsp) {
  auto body = std::make_shared<Response>(std::move(rsp));
  when_durable(base, [res, body](const Status& st) {
    res.send(st.is_ok() ? std::move(*body) : status_response(st));
  });
}

}  // namespace orderstream::api
