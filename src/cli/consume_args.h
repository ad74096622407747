// What `consume` was asked for: its flags and the parsed --offset, shared by the embedded-log
// reader (consume_cmd.cpp) and the Kafka cluster one (cluster_consume.cpp). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/cluster_options.h"
#include "common/status.h"

namespace orderstream::cli {

struct ConsumeArgs {
  std::string topic;
  std::optional<int32_t> partition;
  std::string offset;  // beginning|end|stored|N|-N|s@MS; empty = stored with --group, else beginning
  std::optional<int64_t> count;
  bool exit_at_end = false;
  std::string group;
  std::string format = "%s\\n";
  bool json = false;
  ClusterArgs cluster;
};

// Where to start, as parsed from --offset.
struct OffsetSpec {
  enum Kind { kBeginning, kEnd, kStored, kAbsolute, kFromEnd, kTime } kind = kBeginning;
  int64_t n = 0;  // kAbsolute: offset; kFromEnd: how many before the end; kTime: ms
};

// InvalidArgument says which forms --offset takes.
Result<OffsetSpec> parse_offset(std::string_view s);

// The --offset in effect: a.offset, or its default (stored with a group, else beginning);
// InvalidArgument for stored without a group.
Result<OffsetSpec> offset_of(const ConsumeArgs& a);

}  // namespace orderstream::cli
