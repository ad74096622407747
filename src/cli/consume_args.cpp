#include "cli/consume_args.h"

#include <charconv>

namespace orderstream::cli {

namespace {

Result<int64_t> parse_offset_int(std::string_view s, std::string_view what) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    return invalid_argument(std::string(what) + " must be an integer, got '" + std::string(s) + "'");
  return v;
}

}  // namespace

Result<OffsetSpec> parse_offset(std::string_view s) {
  OffsetSpec o;
  if (s == "beginning") return o;
  if (s == "end") return OffsetSpec{OffsetSpec::kEnd, 0};
  if (s == "stored") return OffsetSpec{OffsetSpec::kStored, 0};
  if (s.substr(0, 2) == "s@") {
    auto ms = parse_offset_int(s.substr(2), "--offset s@MS");
    if (!ms.ok() || *ms < 0)
      return invalid_argument("--offset s@MS needs a timestamp in ms >= 0, got '" + std::string(s) + "'");
    return OffsetSpec{OffsetSpec::kTime, *ms};
  }
  auto n = parse_offset_int(s, "--offset");
  if (!n.ok())
    return invalid_argument("--offset must be beginning, end, stored, N, -N or s@MS, got '" +
                            std::string(s) + "'");
  if (*n < 0 || s[0] == '-') return OffsetSpec{OffsetSpec::kFromEnd, -*n};
  return OffsetSpec{OffsetSpec::kAbsolute, *n};
}

Result<OffsetSpec> offset_of(const ConsumeArgs& a) {
  OS_ASSIGN_OR_RETURN(OffsetSpec spec,
                      parse_offset(a.offset.empty() ? (a.group.empty() ? "beginning" : "stored")
                                                    : a.offset));
  if (spec.kind == OffsetSpec::kStored && a.group.empty())
    return invalid_argument("--offset stored needs --group");
  return spec;
}

}  // namespace orderstream::cli
