// The REST Proxy's embedded JSON format (Confluent REST Proxy v2, format "json"): how JSON keys
// and values become record bytes and back, record and error bodies. Pure functions; thread-safe.
//
// Keys: a JSON string key is stored as its plain text (the product's topics are keyed by plain
// ids like `o-1` or `42`), any other JSON key as its JSON text; consumers get every key back as
// a JSON string of the stored bytes, or null. Values: stored as their JSON text (a string value
// keeps its quotes, like Kafka's JSON serializer); consumers get valid JSON embedded as it is
// and any other bytes as a JSON string; a null value is a tombstone.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_vocabulary.h"
#include "http/response.h"
#include "log/record.h"

namespace orderstream::api {

inline constexpr std::string_view kKafkaJsonV2 = "application/vnd.kafka.json.v2+json";
inline constexpr std::string_view kKafkaV2 = "application/vnd.kafka.v2+json";

std::optional<std::string> key_bytes(simdjson::dom::element key);
std::optional<std::string> value_bytes(simdjson::dom::element value);

// {"topic","key","value","partition","offset","timestamp"} for one record.
std::string record_json(std::string_view topic, int32_t partition, const log::RecordView& r);

// {"error_code":code,"message":...} with the Kafka v2 content type.
Response proxy_error(boost::beast::http::status status, int error_code, std::string_view message);
// A Status as a proxy error: the HTTP status of http_status_for, error_code = status * 100 + 1.
Response proxy_status_error(const Status& s);
Response proxy_json(boost::beast::http::status status, std::string body,
                    std::string_view content_type = kKafkaV2);
// 422 {"error_code":422,...}: a well-formed body of the wrong shape.
Response unprocessable(std::string_view message);
// Parses a JSON object body into *obj. On error returns the response to send (400 or 422).
std::optional<Response> parse_object(simdjson::dom::parser& parser, const std::string& body,
                                     simdjson::dom::object* obj);

}  // namespace orderstream::api
