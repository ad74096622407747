// The API token (serve --api-token): every request but GET /health (and /metrics when public)
// must carry `Authorization: Bearer <token>`, else 401 with a JSON body. One Router guard covers
// every route, the ones added later included.
#pragma once

#include <string>
#include <string_view>

#include "api/http_vocabulary.h"
#include "http/router.h"

namespace orderstream::api {

struct TokenPolicy {
  std::string token;           // REQUIRES: not empty
  bool metrics_public = false;  // GET /metrics without the token (for a scraper on a trusted net)
};

// The guard that enforces `policy` (Router::set_guard).
Guard token_guard(TokenPolicy policy);

// Whether a and b are equal, in time that depends only on b's length (b is the secret), so a
// client cannot find the token byte by byte from response times.
bool constant_time_equal(std::string_view a, std::string_view b);

// Whether `host` (a --host value) listens on loopback only: 127.0.0.0/8, ::1 or "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace orderstream::api
