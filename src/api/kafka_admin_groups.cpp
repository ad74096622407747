// ListGroups and DescribeGroups: the groups the log knows. A group is the coordinator's while a
// Kafka client has joined it since start (its protocol type, state and members), otherwise it
// exists only as committed offsets in the log (the REST Proxy's, a stream task's, a commit from
// outside a group protocol): listed with protocol type "" and described as Empty, as Kafka shows
// a group whose members are gone. Both read the log, so they answer once that read is durable.
#include <map>

#include "api/durable_answer.h"
#include "api/kafka_broker.h"
#include "kafka/describe_groups.h"
#include "kafka/list_groups.h"

namespace orderstream::api {

namespace {

// Kafka's AclOperation codes, as bits of authorized_operations.
constexpr int32_t kAclRead = 1 << 3;
constexpr int32_t kAclDescribe = 1 << 8;

// Sends `body` once the reads it was built from are durable; a failed sync closes the
// connection (the client retries elsewhere or again).
void reply_when_durable(const KafkaContext& ctx, kafka::Reply reply, std::string body) {
  auto shared = std::make_shared<std::string>(std::move(body));
  when_durable(*ctx.base, [reply, shared](const Status& st) {
    if (st.is_ok()) return reply(std::move(*shared));
    reply(std::nullopt);
  });
}

}  // namespace

void kafka_list_groups(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  // v0-2 requests have no fields: nothing to parse.
  std::map<std::string, std::string> groups;  // id -> protocol type, sorted as Kafka's tools show them
  auto view = ctx->base->log->read_view();
  auto offsets = view.ok() ? view->group_offsets(std::nullopt) : Result<std::vector<log::GroupOffset>>(view.status());
  if (!offsets.ok())
    return reply(kafka::encode_list_groups_response(h.api_version, kafka::errors::kCoordinatorNotAvailable, {}));
  for (const log::GroupOffset& o : *offsets) groups.emplace(o.group, "");
  for (auto& [id, type] : ctx->groups->groups()) groups[id] = type;
  std::vector<kafka::ListedGroup> listed;
  for (auto& [id, type] : groups) listed.push_back({id, type});
  reply_when_durable(*ctx, std::move(reply),
                     kafka::encode_list_groups_response(h.api_version, kafka::errors::kNone, listed));
}

void kafka_describe_groups(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h,
                           kafka::Reply reply) {
  auto req = kafka::parse_describe_groups_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  auto view = ctx->base->log->read_view();
  std::vector<kafka::DescribedGroup> out;
  for (const std::string& id : req->groups) {
    std::optional<kafka::DescribedGroup> g = ctx->groups->describe(id);
    if (!g) {
      g.emplace();
      g->group_id = id;
      auto offsets = view.ok() ? view->group_offsets(std::string_view(id))
                               : Result<std::vector<log::GroupOffset>>(view.status());
      if (!offsets.ok()) g->error_code = kafka::errors::kCoordinatorNotAvailable;
      // Kafka answers an unknown group as "Dead" without an error; g's default state.
      else if (!offsets->empty()) g->state = kafka::kGroupEmpty;
    }
    if (req->include_authorized_operations)
      g->authorized_operations = ctx->owns.group_refusal(id) ? kAclDescribe : kAclRead | kAclDescribe;
    out.push_back(std::move(*g));
  }
  reply_when_durable(*ctx, std::move(reply), kafka::encode_describe_groups_response(h.api_version, out));
}

}  // namespace orderstream::api
