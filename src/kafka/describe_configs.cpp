#include "kafka/describe_configs.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<DescribeConfigsRequest> parse_describe_configs_request(int16_t version, std::string_view body) {
  Reader in(body);
  DescribeConfigsRequest req;
  int32_t n = in.array_length(7).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    DescribeConfigsResource r;
    r.resource_type = in.i8();
    r.resource_name = std::string(in.string());
    if (std::optional<int32_t> keys = in.array_length(2)) {
      r.configuration_keys.emplace();
      for (int32_t j = 0; j < *keys && in.ok(); ++j) r.configuration_keys->emplace_back(in.string());
    }
    req.resources.push_back(std::move(r));
  }
  if (version >= 1) req.include_synonyms = in.boolean();
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_describe_configs_response(int16_t version, const std::vector<DescribeConfigsResult>& results) {
  Writer out;
  out.i32(0);  // throttle_time_ms, in every version
  out.array_length(static_cast<int32_t>(results.size()));
  for (const DescribeConfigsResult& r : results) {
    out.i16(r.error_code);
    out.nullable_string(r.error_message);
    out.i8(r.resource_type);
    out.string(r.resource_name);
    out.array_length(static_cast<int32_t>(r.configs.size()));
    for (const ConfigEntry& c : r.configs) {
      out.string(c.name);
      out.nullable_string(c.value);
      out.boolean(c.read_only);
      if (version == 0) out.boolean(c.source == config_source::kDefaultConfig);  // is_default
      if (version >= 1) out.i8(c.source);
      out.boolean(c.is_sensitive);
      if (version >= 1) {
        out.array_length(static_cast<int32_t>(c.synonyms.size()));
        for (const ConfigSynonym& s : c.synonyms) {
          out.string(s.name);
          out.nullable_string(s.value);
          out.i8(s.source);
        }
      }
    }
  }
  return out.take();
}

}  // namespace orderstream::kafka
