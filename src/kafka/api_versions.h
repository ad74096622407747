// ApiVersions (key 18), versions 0-2. The request body carries nothing this broker needs
// (v3's client software name comes with a flexible header, which is answered below).
#pragma once

#include <cstdint>
#include <string>

namespace orderstream::kafka {

// The response body for `version` listing supported_versions(). A request at a version this
// broker does not speak (librdkafka starts at v3) gets error_code UNSUPPORTED_VERSION in a v0
// body, as Kafka answers it, so the client retries at the highest version listed.
std::string api_versions_response(int16_t version);

}  // namespace orderstream::kafka
