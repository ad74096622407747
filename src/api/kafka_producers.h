// Idempotent producers on the embedded log, kept as Kafka's broker keeps them: producer ids
// handed out by InitProducerId (persisted, never reused), and per producer and partition the
// epoch and the sequence ranges of the last five batches, stored in the same transaction as the
// batches' records. A retried batch is found among those five and answered with its first
// offset instead of being stored twice; a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "log/write_txn.h"

namespace orderstream::api {

// The state store of producer ids and sequences ("__" keeps it apart from the stream tasks').
inline constexpr std::string_view kProducerStore = "__kafka_producers";
// Kafka's broker remembers this many batches per producer and partition (as the producer keeps
// at most five requests in flight).
inline constexpr size_t kRememberedBatches = 5;

struct ProducerBatch {
  int32_t first_seq = 0;
  int32_t last_seq = 0;
  int64_t base_offset = -1;
};

// One producer's state on one partition. epoch -1: nothing known yet.
struct ProducerEntry {
  int16_t epoch = -1;
  int64_t last_ms = 0;                // when it last appended (for expiry)
  std::vector<ProducerBatch> recent;  // oldest first, at most kRememberedBatches
};

// A producer idle on a partition for longer is forgotten there (Kafka's producer.id.expiration.ms):
// without it, clients that start a producer per request would grow the store without bound. A
// forgotten producer's next batch is taken at any sequence, as for one never seen.
inline constexpr int64_t kProducerExpirationMs = 24LL * 3600 * 1000;
// Entries each InitProducerId visits for expiry, from where the previous one stopped: the store
// is swept in steps that cost every new producer about the same, whatever its size.
inline constexpr int kExpirySweepStep = 64;

struct SequenceCheck {
  enum Kind { kAppend, kDuplicate, kError };
  Kind kind = kAppend;
  int16_t error_code = 0;    // kError: Kafka's code
  int64_t base_offset = -1;  // kDuplicate: the stored batch's first offset
};

// A batch's last sequence, wrapping past INT32_MAX to 0 as Kafka's do.
int32_t last_sequence(int32_t first_seq, int32_t record_count);

// Kafka's rules: an older epoch is INVALID_PRODUCER_EPOCH; a batch equal to a remembered one of
// the same epoch is a duplicate; a new epoch, or a partition with no state (retention may have
// removed it), takes any sequence; otherwise the batch must follow the last one.
SequenceCheck check_sequence(const ProducerEntry& entry, int16_t epoch, int32_t first_seq, int32_t last_seq);
// Records an appended batch (a new epoch forgets the old one's batches).
void remember_batch(ProducerEntry* entry, int16_t epoch, const ProducerBatch& batch);

std::string encode_producer_entry(const ProducerEntry& entry);
// nullopt for bytes that are not an entry (the caller treats the producer as unknown).
std::optional<ProducerEntry> decode_producer_entry(std::string_view bytes);
std::string producer_key(int64_t producer_id, std::string_view topic, int32_t partition);

// The next producer id, persisted in `txn` (ids start at 0 and are never reused). Also sweeps the
// next kExpirySweepStep entries, removing those idle for kProducerExpirationMs.
Result<int64_t> allocate_producer_id(log::WriteTxn& txn);

}  // namespace orderstream::api
