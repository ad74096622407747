// HTTP message types and response helpers: JSON error bodies and the one Status -> HTTP status
// mapping of the server. Pure functions; thread-safe.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// `s` as the inside of a JSON string literal (append_json_escaped in common/json_string.h): each
// byte that is not valid UTF-8 becomes U+FFFD, so the result is valid JSON whatever a client sent.
std::string json_escape(std::string_view s);
// `"s"`, escaped.
std::string json_quote(std::string_view s);

// A response with the given body and Content-Type (Content-Length is set when it is written).
Response make_response(boost::beast::http::status status, std::string body,
                       std::string_view content_type);
Response json_response(boost::beast::http::status status, std::string json_body);
// `{"code":"<code>","message":"<message>"}`.
std::string error_json(std::string_view code, std::string_view message);
// error_json(status_code_name(s.code()), s.message()): an error inside a streamed body.
std::string status_json(const Status& s);
// error_json(code, message) with Content-Type application/json.
Response error_response(boost::beast::http::status status, std::string_view code,
                        std::string_view message);

// The HTTP status for a Status code: Ok 200, NotFound 404, InvalidArgument 400, Conflict 409,
// Busy 503, NoSpace 507, Timeout 504, Corruption 500, IOError 500, Aborted 503.
boost::beast::http::status http_status_for(StatusCode code);
// error_response(http_status_for(s.code()), status_code_name(s.code()), s.message()). Busy and
// Aborted also get `Retry-After: 1`. REQUIRES: !s.is_ok().
Response status_response(const Status& s);

}  // namespace orderstream::http
