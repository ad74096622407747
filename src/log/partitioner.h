// Kafka's default partitioner for keyed records: murmur2 of the key bytes, made positive, modulo
// the partition count. A key lands on the same partition number here as in Kafka. Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/strong_int.h"

namespace orderstream::log {

// Kafka's Utils.murmur2 (seed 0x9747b28c), bit for bit.
int32_t murmur2(std::string_view data);
// Utils.toPositive(murmur2(key)) % partitions. REQUIRES: partitions > 0.
PartitionId partition_for_key(std::string_view key, int32_t partitions);

}  // namespace orderstream::log
