// JoinGroup, SyncGroup, Heartbeat and LeaveGroup: the GroupCoordinator's protocol. A stream
// task's or a running query's group is GROUP_AUTHORIZATION_FAILED: no Kafka client may join
// the group whose offsets a task commits; a group the REST Proxy's instances hold is
// INCONSISTENT_GROUP_PROTOCOL (live_groups.h).
#include <cstdio>

#include "api/kafka_broker.h"
#include "api/kafka_coordinator.h"
#include "kafka/group_membership.h"

namespace orderstream::api {

void kafka_join_group(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_join_group_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  if (req->group_id.empty() || ctx->owns.group_refusal(req->group_id)) {
    kafka::JoinGroupResponse r;
    r.error_code = req->group_id.empty() ? kafka::errors::kInvalidGroupId : kafka::errors::kGroupAuthorizationFailed;
    return reply(kafka::encode_join_group_response(h.api_version, r));
  }
  // One protocol per group (live_groups.h): REST Proxy instances hold it.
  if (size_t n = ctx->base->live_groups->rest_proxy(req->group_id)) {
    std::fprintf(stderr, "kafka: JoinGroup refused: %s\n", group_held_message(req->group_id, n, "REST Proxy").c_str());
    kafka::JoinGroupResponse r;
    r.error_code = kafka::errors::kInconsistentGroupProtocol;
    return reply(kafka::encode_join_group_response(h.api_version, r));
  }
  ctx->groups->join(*req, h.api_version, h, std::move(reply));
}

void kafka_sync_group(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_sync_group_request(h.api_version, h.body);
  if (!req.ok()) return;
  ctx->groups->sync(*req, h.api_version, std::move(reply));
}

void kafka_heartbeat(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_heartbeat_request(h.api_version, h.body);
  if (!req.ok()) return;
  reply(kafka::encode_error_response(h.api_version, ctx->groups->heartbeat(*req)));
}

void kafka_leave_group(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_leave_group_request(h.api_version, h.body);
  if (!req.ok()) return;
  int16_t code = ctx->groups->leave(*req);
  reply(kafka::encode_leave_group_response(h.api_version, code, req->member_ids));
}

}  // namespace orderstream::api
