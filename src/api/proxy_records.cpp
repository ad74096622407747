#include "api/proxy_records.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

std::optional<std::string> key_bytes(simdjson::dom::element key) {
  if (key.is_null()) return std::nullopt;
  std::string_view s;
  if (key.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(key);
}

std::optional<std::string> value_bytes(simdjson::dom::element value) {
  if (value.is_null()) return std::nullopt;
  return simdjson::minify(value);
}

namespace {

void append_value(std::optional<std::string_view> v, std::string* out) {
  if (!v) {
    *out += "null";
    return;
  }
  // One parser per thread: io threads call this for every record they answer with.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(v->data(), v->size()).get(e) == simdjson::SUCCESS) {
    *out += simdjson::minify(e);  // minified: SSE data must fit on one line
  } else {
    *out += json_quote(*v);
  }
}

}  // namespace

std::string record_json(std::string_view topic, int32_t partition, const log::RecordView& r) {
  std::string out = "{\"topic\":" + json_quote(topic) + ",\"key\":";
  out += r.key ? json_quote(*r.key) : "null";
  out += ",\"value\":";
  append_value(r.value, &out);
  out += ",\"partition\":" + std::to_string(partition) + ",\"offset\":" +
         std::to_string(r.offset.v) + ",\"timestamp\":" + std::to_string(r.timestamp_ms) + "}";
  return out;
}

Response proxy_json(bhttp::status status, std::string body, std::string_view content_type) {
  return make_response(status, std::move(body), content_type);
}

Response proxy_error(bhttp::status status, int error_code, std::string_view message) {
  return proxy_json(status, "{\"error_code\":" + std::to_string(error_code) +
                                ",\"message\":" + json_quote(message) + "}");
}

Response proxy_status_error(const Status& s) {
  bhttp::status st = http_status_for(s.code());
  Response rsp = proxy_error(st, static_cast<int>(st) * 100 + 1, s.message());
  if (s.code() == StatusCode::kBusy || s.code() == StatusCode::kAborted)
    rsp.set(bhttp::field::retry_after, "1");
  return rsp;
}

Response unprocessable(std::string_view message) {
  return proxy_error(bhttp::status::unprocessable_entity, 422, message);
}

std::optional<Response> parse_object(simdjson::dom::parser& parser, const std::string& body,
                                     simdjson::dom::object* obj) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(body).get(doc); err != simdjson::SUCCESS)
    return proxy_error(bhttp::status::bad_request, 400,
                       std::string("malformed JSON: ") + simdjson::error_message(err));
  if (doc.get_object().get(*obj) != simdjson::SUCCESS)
    return unprocessable("the body must be a JSON object");
  return std::nullopt;
}

}  // namespace orderstream::api
