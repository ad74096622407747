#include "kafka/list_groups.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

std::string encode_list_groups_response(int16_t version, int16_t error_code, const std::vector<ListedGroup>& groups) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(error_code);
  out.array_length(static_cast<int32_t>(groups.size()));
  for (const ListedGroup& g : groups) {
    out.string(g.group_id);
    out.string(g.protocol_type);
  }
  return out.take();
}

}  // namespace orderstream::kafka
