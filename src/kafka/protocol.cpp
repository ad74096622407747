#include "kafka/protocol.h"

#include <array>

#include "kafka/wire.h"

namespace orderstream::kafka {

namespace {

// Only what is implemented (README, "Kafka clients", has the table).
constexpr std::array kSupported{
    VersionRange{ApiKey::kProduce, 3, 7},
    VersionRange{ApiKey::kFetch, 4, 11},
    VersionRange{ApiKey::kListOffsets, 1, 2},
    VersionRange{ApiKey::kOffsetCommit, 0, 7},
    VersionRange{ApiKey::kOffsetFetch, 1, 5},
    VersionRange{ApiKey::kFindCoordinator, 0, 2},
    VersionRange{ApiKey::kJoinGroup, 0, 5},
    VersionRange{ApiKey::kHeartbeat, 0, 3},
    VersionRange{ApiKey::kLeaveGroup, 0, 3},
    VersionRange{ApiKey::kSyncGroup, 0, 3},
    VersionRange{ApiKey::kDescribeGroups, 0, 4},
    VersionRange{ApiKey::kListGroups, 0, 2},
    VersionRange{ApiKey::kCreateTopics, 0, 4},
    VersionRange{ApiKey::kDeleteTopics, 0, 3},
    VersionRange{ApiKey::kDescribeConfigs, 0, 2},
    VersionRange{ApiKey::kInitProducerId, 0, 1},
    VersionRange{ApiKey::kSaslHandshake, 0, 1},
    VersionRange{ApiKey::kSaslAuthenticate, 0, 1},
    VersionRange{ApiKey::kMetadata, 0, 4},
    VersionRange{ApiKey::kApiVersions, 0, 2},
};

}  // namespace

std::span<const VersionRange> supported_versions() { return kSupported; }

std::optional<VersionRange> supported(int16_t key) {
  for (const VersionRange& r : kSupported)
    if (static_cast<int16_t>(r.key) == key) return r;
  return std::nullopt;
}

Result<RequestHeader> parse_request_header(std::string_view frame) {
  Reader in(frame);
  RequestHeader h;
  h.api_key = in.i16();
  h.api_version = in.i16();
  h.correlation_id = in.i32();
  if (!in.ok()) return in.status();
  auto client = in.nullable_string();
  if (!in.ok()) return in.status();
  if (client) h.client_id = std::string(*client);
  h.body = in.rest();
  return h;
}

}  // namespace orderstream::kafka
