// Kafka protocol constants and the request framing shared by every API: API keys, error codes,
// the versions this broker speaks (non-flexible ones only, which every client here negotiates),
// and the request header (v1: api_key, api_version, correlation_id, client_id).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::kafka {

enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kSaslHandshake = 17,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kInitProducerId = 22,
  kDescribeConfigs = 32,
  kSaslAuthenticate = 36,
};

// The error codes this broker answers with (Kafka's "Error Codes" table).
namespace errors {
inline constexpr int16_t kUnknownServerError = -1;
inline constexpr int16_t kNone = 0;
inline constexpr int16_t kOffsetOutOfRange = 1;
inline constexpr int16_t kUnknownTopicOrPartition = 3;
inline constexpr int16_t kRequestTimedOut = 7;  // also: the write queue is full
inline constexpr int16_t kCoordinatorNotAvailable = 15;
inline constexpr int16_t kInvalidTopicException = 17;
inline constexpr int16_t kInconsistentGroupProtocol = 23;
inline constexpr int16_t kInvalidGroupId = 24;
inline constexpr int16_t kUnknownMemberId = 25;
inline constexpr int16_t kTopicAuthorizationFailed = 29;
inline constexpr int16_t kGroupAuthorizationFailed = 30;
inline constexpr int16_t kUnsupportedVersion = 35;
inline constexpr int16_t kTopicAlreadyExists = 36;
inline constexpr int16_t kInvalidPartitions = 37;
inline constexpr int16_t kInvalidReplicationFactor = 38;
inline constexpr int16_t kInvalidReplicaAssignment = 39;
inline constexpr int16_t kInvalidConfig = 40;
inline constexpr int16_t kInvalidRequest = 42;
inline constexpr int16_t kOutOfOrderSequenceNumber = 45;
inline constexpr int16_t kInvalidProducerEpoch = 47;
inline constexpr int16_t kTransactionalIdAuthorizationFailed = 53;
inline constexpr int16_t kKafkaStorageError = 56;
}  // namespace errors

struct VersionRange {
  ApiKey key;
  int16_t min;
  int16_t max;
};

// What ApiVersions advertises: only what is implemented, so a client never picks an API this
// broker would have to refuse.
std::span<const VersionRange> supported_versions();
// The range for `key`, or nullopt when the broker does not implement it.
std::optional<VersionRange> supported(int16_t key);

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  // Not in the header: the peer's address as Kafka shows it ("/127.0.0.1"), set by the server.
  std::string client_host;
  std::string_view body;  // the request after the header, valid while the frame is
};

// Parses the header of one request frame (without its 4-byte size). InvalidArgument when even
// the fixed fields are missing. For a flexible version (header v2) the body starts with tagged
// fields the caller must not try to read: such versions are answered UNSUPPORTED_VERSION.
Result<RequestHeader> parse_request_header(std::string_view frame);

}  // namespace orderstream::kafka
