#include "http/response.h"

#include <boost/beast/http/field.hpp>

#include <cstdio>

#include "common/check.h"
#include "common/utf8.h"

namespace orderstream::http {

namespace bhttp = boost::beast::http;

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else if (c < 0x80) {
          out += static_cast<char>(c);
        } else if (size_t n = utf8_sequence_length(s, i); n == 0) {
          // Messages quote client bytes (paths, product names): keep the body valid JSON.
          out += kUtf8Replacement;
        } else {
          out.append(s.substr(i, n));
          i += n - 1;
        }
    }
  }
  return out;
}

std::string json_quote(std::string_view s) { return '"' + json_escape(s) + '"'; }

Response make_response(bhttp::status status, std::string body, std::string_view content_type) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(bhttp::status status, std::string json_body) {
  return make_response(status, std::move(json_body), "application/json");
}

std::string error_json(std::string_view code, std::string_view message) {
  return "{\"code\":" + json_quote(code) + ",\"message\":" + json_quote(message) + "}";
}

Response error_response(bhttp::status status, std::string_view code, std::string_view message) {
  return json_response(status, error_json(code, message));
}

bhttp::status http_status_for(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return bhttp::status::ok;
    case StatusCode::kNotFound:
      return bhttp::status::not_found;
    case StatusCode::kInvalidArgument:
      return bhttp::status::bad_request;
    case StatusCode::kConflict:
      return bhttp::status::conflict;
    case StatusCode::kBusy:
      return bhttp::status::service_unavailable;
    case StatusCode::kNoSpace:
      return bhttp::status::insufficient_storage;
    case StatusCode::kTimeout:
      return bhttp::status::gateway_timeout;
    case StatusCode::kCorruption:
      return bhttp::status::internal_server_error;
    case StatusCode::kIOError:
      return bhttp::status::internal_server_error;
    case StatusCode::kAborted:
      return bhttp::status::service_unavailable;
  }
  return bhttp::status::internal_server_error;
}

std::string status_json(const Status& s) { return error_json(status_code_name(s.code()), s.message()); }

Response status_response(const Status& s) {
  OS_CHECK(!s.is_ok());
  Response res = json_response(http_status_for(s.code()), status_json(s));
  if (s.code() == StatusCode::kBusy || s.code() == StatusCode::kAborted) {
    res.set(bhttp::field::retry_after, "1");
  }
  return res;
}

}  // namespace orderstream::http
