#include "kafka/init_producer_id.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<InitProducerIdRequest> parse_init_producer_id_request(int16_t /*version*/, std::string_view body) {
  Reader in(body);
  InitProducerIdRequest req;
  auto id = in.nullable_string();
  req.transaction_timeout_ms = in.i32();
  if (!in.ok()) return in.status();
  if (id) req.transactional_id = std::string(*id);
  return req;
}

std::string encode_init_producer_id_response(int16_t error_code, int64_t producer_id, int16_t producer_epoch) {
  Writer out;
  out.i32(0);  // throttle_time_ms
  out.i16(error_code);
  out.i64(producer_id);
  out.i16(producer_epoch);
  return out.take();
}

}  // namespace orderstream::kafka
