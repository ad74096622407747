// Durable answers: in durable mode nothing read from the log reaches a client before the commit
// that made it is fdatasynced, the way a Kafka consumer sees a partition only up to its high
// watermark. A power cut can undo a commit that was not synced; a client told about it would then
// hold a fact the restarted pipeline may decide differently. Lazy mode answers at once.
#pragma once

#include <functional>

#include "common/status.h"
#include "api/api.h"
#include "http/responder.h"

namespace orderstream::api {

// Runs then(OK) once every commit a read made before this call could see is durable: at once on
// this thread when it already is (or acknowledgements do not wait for durability), otherwise on the group writer's thread
// after one shared sync. then(error) when the sync fails or the write queue is full.
void when_durable(const RouteBase& base, std::function<void(const Status&)> then);

// The same for a thread that may block (never an io thread): returns once durable, or the error.
Status wait_durable(const RouteBase& base);

// Sends rsp (built from reads made before this call) once they are durable, or the error.
void send_durable(const RouteBase& base, const Responder& res, Response rsp);

}  // namespace orderstream::api
