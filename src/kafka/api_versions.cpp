#include "kafka/api_versions.h"

#include "kafka/protocol.h"
#include "kafka/wire.h"

namespace orderstream::kafka {

std::string api_versions_response(int16_t version) {
  bool known = version >= 0 && version <= 2;
  Writer out;
  out.i16(known ? errors::kNone : errors::kUnsupportedVersion);
  auto ranges = supported_versions();
  out.array_length(static_cast<int32_t>(ranges.size()));
  for (const VersionRange& r : ranges) {
    out.i16(static_cast<int16_t>(r.key));
    out.i16(r.min);
    out.i16(r.max);
  }
  if (known && version >= 1) out.i32(0);  // throttle_time_ms
  return out.take();
}

}  // namespace orderstream::kafka
