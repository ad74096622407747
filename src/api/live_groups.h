// The rule between the two kinds of consumer group members: the REST Proxy's consumer instances
// and the Kafka listener's members. Each keeps its own membership, so members of both in one
// group would each be handed every partition and consume everything twice. A group therefore
// belongs to whichever protocol has live members in it: while it has some, the other protocol's
// clients are refused (REST Proxy 409, Kafka JoinGroup INCONSISTENT_GROUP_PROTOCOL, Kafka
// OffsetCommit outside the group UNKNOWN_MEMBER_ID, as Kafka answers a commit to a group with
// members). Offsets stay the log's, shared by both. Each side registers, before the server
// starts, how to count its live members; read-only afterwards, from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace orderstream::api {

class LiveGroups {
 public:
  using Count = std::function<size_t(const std::string& group)>;
  void set_rest_proxy(Count count) { rest_proxy_ = std::move(count); }
  void set_kafka(Count count) { kafka_ = std::move(count); }
  // Live members of `group` on each side (0 when that side is not running).
  size_t rest_proxy(const std::string& group) const { return rest_proxy_ ? rest_proxy_(group) : 0; }
  size_t kafka(const std::string& group) const { return kafka_ ? kafka_(group) : 0; }

 private:
  Count rest_proxy_;
  Count kafka_;
};

// Why a client of one protocol is refused a group the other holds.
inline std::string group_held_message(const std::string& group, size_t members, const char* protocol) {
  return "consumer group '" + group + "' has " + std::to_string(members) + " live " + protocol +
         " member(s); a group is consumed through one protocol at a time (Kafka or the REST Proxy): "
         "wait until they leave, or use another group";
}

}  // namespace orderstream::api
