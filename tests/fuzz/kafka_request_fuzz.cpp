// libFuzzer target: the Kafka codec layer (src/kafka) on arbitrary bytes, as a hostile client
// would send them. The input is tried as a request frame (header, then the body parser of its
// API and version, as the broker dispatches it, and through the SASL gate), as the body of every
// API at every supported version, and as a Produce partition's record batches. Besides "no crash,
// no sanitizer report" it checks one property, aborting on a violation: batches that decode
// re-encode to batches that decode to the same records.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kafka/create_topics.h"
#include "kafka/delete_topics.h"
#include "kafka/describe_configs.h"
#include "kafka/describe_groups.h"
#include "kafka/fetch.h"
#include "kafka/group_membership.h"
#include "kafka/group_offsets.h"
#include "kafka/init_producer_id.h"
#include "kafka/list_offsets.h"
#include "kafka/metadata.h"
#include "kafka/produce.h"
#include "kafka/protocol.h"
#include "kafka/record_batch.h"
#include "kafka/sasl.h"

namespace {

using namespace orderstream::kafka;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "kafka_request_fuzz: %s\n", what);
  std::abort();
}

bool same_records(const RecordBatch& a, const RecordBatch& b) {
  if (a.records.size() != b.records.size() || a.producer_id != b.producer_id ||
      a.base_sequence != b.base_sequence || a.log_append_time != b.log_append_time)
    return false;
  for (size_t i = 0; i < a.records.size(); ++i) {
    const BatchRecord& x = a.records[i];
    const BatchRecord& y = b.records[i];
    if (x.timestamp_ms != y.timestamp_ms || x.offset_delta != y.offset_delta || x.key != y.key ||
        x.value != y.value || x.headers.size() != y.headers.size())
      return false;
    for (size_t h = 0; h < x.headers.size(); ++h)
      if (x.headers[h].key != y.headers[h].key || x.headers[h].value != y.headers[h].value) return false;
  }
  return true;
}

void batches(std::string_view bytes) {
  std::vector<RecordBatch> decoded;
  if (decode_batches(bytes, &decoded)) return;
  for (const RecordBatch& b : decoded) {
    std::vector<RecordBatch> again;
    if (auto bad = decode_batches(encode_batch(b), &again)) fail(("a re-encoded batch is refused: " + bad->message).c_str());
    if (again.size() != 1 || !same_records(b, again[0])) fail("a re-encoded batch decodes to other records");
  }
}

// The body parser of `key` at `version`, as the broker would call it. REQUIRES: supported.
void parse_body(int16_t key, int16_t version, std::string_view body) {
  switch (static_cast<ApiKey>(key)) {
    case ApiKey::kProduce:
      if (auto r = parse_produce_request(version, body); r.ok())
        for (const ProduceTopic& t : r->topics)
          for (const ProducePartition& p : t.partitions)
            if (p.records) batches(*p.records);
      break;
    case ApiKey::kFetch: (void)parse_fetch_request(version, body); break;
    case ApiKey::kListOffsets: (void)parse_list_offsets_request(version, body); break;
    case ApiKey::kMetadata: (void)parse_metadata_request(version, body); break;
    case ApiKey::kOffsetCommit: (void)parse_offset_commit_request(version, body); break;
    case ApiKey::kOffsetFetch: (void)parse_offset_fetch_request(version, body); break;
    case ApiKey::kJoinGroup: (void)parse_join_group_request(version, body); break;
    case ApiKey::kSyncGroup: (void)parse_sync_group_request(version, body); break;
    case ApiKey::kHeartbeat: (void)parse_heartbeat_request(version, body); break;
    case ApiKey::kLeaveGroup: (void)parse_leave_group_request(version, body); break;
    case ApiKey::kDescribeGroups: (void)parse_describe_groups_request(version, body); break;
    case ApiKey::kCreateTopics: (void)parse_create_topics_request(version, body); break;
    case ApiKey::kDeleteTopics: (void)parse_delete_topics_request(version, body); break;
    case ApiKey::kDescribeConfigs: (void)parse_describe_configs_request(version, body); break;
    case ApiKey::kInitProducerId: (void)parse_init_producer_id_request(version, body); break;
    default: break;  // no body (ApiVersions, ListGroups) or parsed by the SASL gate
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto header = parse_request_header(input);
  if (header.ok()) {
    if (auto range = supported(header->api_key);
        range && header->api_version >= range->min && header->api_version <= range->max)
      parse_body(header->api_key, header->api_version, header->body);
    SaslGate gate([](std::string_view, std::string_view password) { return password == "fuzz"; });
    SaslGate::Step step = gate.on_request(*header);
    if (step.kind == SaslGate::Step::kAnswer && gate.expects_raw_token()) (void)gate.on_raw_token(header->body);
  }
  for (const VersionRange& r : supported_versions())
    for (int16_t v = r.min; v <= r.max; ++v) parse_body(static_cast<int16_t>(r.key), v, input);
  batches(input);
  return 0;
}
