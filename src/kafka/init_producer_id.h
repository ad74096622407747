// InitProducerId (key 22), versions 0-1 (v2 is flexible): a producer id and epoch for an
// idempotent producer (transactional_id null) or a transactional one. v1 changes only the
// broker's throttling. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::kafka {

struct InitProducerIdRequest {
  std::optional<std::string> transactional_id;
  int32_t transaction_timeout_ms = 0;
};

// REQUIRES: 0 <= version <= 1.
Result<InitProducerIdRequest> parse_init_producer_id_request(int16_t version, std::string_view body);

// The same body for v0 and v1.
std::string encode_init_producer_id_response(int16_t error_code, int64_t producer_id, int16_t producer_epoch);

}  // namespace orderstream::kafka
