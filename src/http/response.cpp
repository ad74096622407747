#include "http/response.h"

#include <boost/beast/http/field.hpp>


#include "common/check.h"
#include "common/json_string.h"

namespace orderstream::http {

namespace bhttp = boost::beast::http;

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  append_json_escaped(out, s);
  return out;
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 10);
  append_json_string(out, s);
  return out;
}

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
    case StatusCode::kPermissionDenied:
      return bhttp::status::forbidden;
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
