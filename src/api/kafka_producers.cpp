#include "api/kafka_producers.h"

#include <limits>

#include "kafka/protocol.h"
#include "kafka/wire.h"

namespace orderstream::api {

namespace {

// Entry keys are at least 12 bytes (producer id, partition), so these cannot collide.
constexpr std::string_view kNextIdKey = "id";
constexpr std::string_view kSweepCursorKey = "sweep";
constexpr size_t kEntryKeyMin = 12;

// Removes the idle entries among the next kExpirySweepStep after the stored cursor, and moves it.
Status sweep_expired(log::WriteTxn& txn) {
  OS_ASSIGN_OR_RETURN(auto stored, txn.get(kProducerStore, kSweepCursorKey));
  std::string from = stored ? std::string(*stored) : std::string();
  std::vector<std::string> expired;
  std::string next;  // empty: the sweep reached the end and starts again from the first key
  int visited = 0;
  OS_RETURN_IF_ERROR(txn.scan_store(kProducerStore, from, [&](std::string_view key, std::string_view value) {
    if (key.size() < kEntryKeyMin) return true;
    if (++visited > kExpirySweepStep) {
      next = std::string(key);
      return false;
    }
    auto entry = decode_producer_entry(value);
    if (!entry || txn.now_ms() - entry->last_ms > kProducerExpirationMs) expired.emplace_back(key);
    return true;
  }));
  for (const std::string& key : expired) OS_RETURN_IF_ERROR(txn.del(kProducerStore, key));
  return txn.put(kProducerStore, kSweepCursorKey, next);
}

}  // namespace

int32_t last_sequence(int32_t first_seq, int32_t record_count) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  int32_t increment = record_count - 1;
  if (first_seq > kMax - increment) return increment - (kMax - first_seq) - 1;
  return first_seq + increment;
}

SequenceCheck check_sequence(const ProducerEntry& entry, int16_t epoch, int32_t first_seq, int32_t last_seq) {
  if (entry.epoch >= 0 && epoch < entry.epoch) return {SequenceCheck::kError, kafka::errors::kInvalidProducerEpoch, -1};
  if (epoch == entry.epoch) {
    for (const ProducerBatch& b : entry.recent)
      if (b.first_seq == first_seq && b.last_seq == last_seq) return {SequenceCheck::kDuplicate, 0, b.base_offset};
    if (!entry.recent.empty()) {
      int32_t last = entry.recent.back().last_seq;
      int32_t expected = last == std::numeric_limits<int32_t>::max() ? 0 : last + 1;
      bool next = first_seq == expected;
      if (!next) return {SequenceCheck::kError, kafka::errors::kOutOfOrderSequenceNumber, -1};
    }
    return {};
  }
  // A new epoch starts at sequence 0; a producer this partition has never seen may start anywhere.
  if (entry.epoch >= 0 && first_seq != 0) return {SequenceCheck::kError, kafka::errors::kOutOfOrderSequenceNumber, -1};
  return {};
}

void remember_batch(ProducerEntry* entry, int16_t epoch, const ProducerBatch& batch) {
  if (epoch != entry->epoch) {
    entry->epoch = epoch;
    entry->recent.clear();
  }
  entry->recent.push_back(batch);
  if (entry->recent.size() > kRememberedBatches) entry->recent.erase(entry->recent.begin());
}

std::string encode_producer_entry(const ProducerEntry& entry) {
  kafka::Writer w;
  w.i16(entry.epoch);
  w.i64(entry.last_ms);
  w.i32(static_cast<int32_t>(entry.recent.size()));
  for (const ProducerBatch& b : entry.recent) {
    w.i32(b.first_seq);
    w.i32(b.last_seq);
    w.i64(b.base_offset);
  }
  return w.take();
}

std::optional<ProducerEntry> decode_producer_entry(std::string_view bytes) {
  kafka::Reader r(bytes);
  ProducerEntry e;
  e.epoch = r.i16();
  e.last_ms = r.i64();
  int32_t n = r.i32();
  if (!r.ok() || n < 0 || static_cast<size_t>(n) > kRememberedBatches) return std::nullopt;
  for (int32_t i = 0; i < n; ++i) {
    ProducerBatch b;
    b.first_seq = r.i32();
    b.last_seq = r.i32();
    b.base_offset = r.i64();
    e.recent.push_back(b);
  }
  if (!r.ok() || r.remaining() != 0) return std::nullopt;
  return e;
}

std::string producer_key(int64_t producer_id, std::string_view topic, int32_t partition) {
  kafka::Writer w;
  w.i64(producer_id);
  w.i32(partition);
  w.raw(topic);
  return w.take();
}

Result<int64_t> allocate_producer_id(log::WriteTxn& txn) {
  OS_ASSIGN_OR_RETURN(auto stored, txn.get(kProducerStore, kNextIdKey));
  int64_t id = 0;
  if (stored) {
    kafka::Reader r(*stored);
    id = r.i64();
    if (!r.ok()) return corruption("the stored next Kafka producer id is unreadable");
  }
  kafka::Writer w;
  w.i64(id + 1);
  OS_RETURN_IF_ERROR(txn.put(kProducerStore, kNextIdKey, w.bytes()));
  OS_RETURN_IF_ERROR(sweep_expired(txn));
  return id;
}

}  // namespace orderstream::api
