#include "http/response.h"

#include <doctest/doctest.h>

#include <string>

#include "http/responder.h"

namespace orderstream::http {
namespace {

namespace bhttp = boost::beast::http;

struct Sink : ResponseSink {
  void complete(uint64_t id, Response r) override {
    ids.push_back(id);
    responses.push_back(std::move(r));
  }
  std::vector<uint64_t> ids;
  std::vector<Response> responses;
};

TEST_SUITE("http") {
  TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
    CHECK(json_escape("plain") == "plain");
    CHECK(json_escape("a\"b\\c") == "a\\\"b\\\\c");
    CHECK(json_escape("\n\r\t\b\f") == "\\n\\r\\t\\b\\f");
    CHECK(json_escape(std::string("\x01\x1f", 2)) == "\\u0001\\u001f");
    CHECK(json_escape("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(json_quote("x\"") == "\"x\\\"\"");
  }

  TEST_CASE("JSON strings replace bytes that are not UTF-8 so a quoted client path stays valid JSON") {
    // Regression: GET /%ff answered 404 with the raw byte 0xff inside the JSON message.
    CHECK(json_escape("/\xff") == "/\xEF\xBF\xBD");
    CHECK(json_escape("a\xc3") == "a\xEF\xBF\xBD");                      // truncated sequence
    CHECK(json_escape("\xc0\xaf") == "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong '/'
    CHECK(json_escape("\xed\xa0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    CHECK(json_escape("\xf0\x9f\x98\x80!") == "\xf0\x9f\x98\x80!");       // 4-byte sequence
  }

  TEST_CASE("error responses are JSON with code and message") {
    Response res = error_response(bhttp::status::not_found, "NotFound", "order \"7\" not found");
    CHECK(res.result_int() == 404);
    CHECK(res.at(bhttp::field::content_type) == "application/json");
    CHECK(res.body() == R"({"code":"NotFound","message":"order \"7\" not found"})");
    CHECK(res.at(bhttp::field::content_length) == std::to_string(res.body().size()));
  }

  TEST_CASE("every status code maps to its HTTP status") {
    CHECK(http_status_for(StatusCode::kOk) == bhttp::status::ok);
    CHECK(http_status_for(StatusCode::kNotFound) == bhttp::status::not_found);
    CHECK(http_status_for(StatusCode::kInvalidArgument) == bhttp::status::bad_request);
    CHECK(http_status_for(StatusCode::kConflict) == bhttp::status::conflict);
    CHECK(http_status_for(StatusCode::kBusy) == bhttp::status::service_unavailable);
    CHECK(http_status_for(StatusCode::kNoSpace) == bhttp::status::insufficient_storage);
    CHECK(http_status_for(StatusCode::kTimeout) == bhttp::status::gateway_timeout);
    CHECK(http_status_for(StatusCode::kCorruption) == bhttp::status::internal_server_error);
    CHECK(http_status_for(StatusCode::kIOError) == bhttp::status::internal_server_error);
    CHECK(http_status_for(StatusCode::kAborted) == bhttp::status::service_unavailable);
    Response res = status_response(busy("queue full"));
    CHECK(res.result_int() == 503);
    CHECK(res.body() == R"({"code":"Busy","message":"queue full"})");
    CHECK(res.at(bhttp::field::retry_after) == "1");
    CHECK(status_response(conflict("x")).result_int() == 409);
  }

  TEST_CASE("a responder completes once, and a dropped one answers 500") {
    auto sink = std::make_shared<Sink>();
    {
      Responder r(sink, 1);
      Responder copy = r;
      CHECK_FALSE(copy.sent());
      r.send(json_response(bhttp::status::ok, "{}"));
      CHECK(copy.sent());
      copy.send(json_response(bhttp::status::ok, "{\"again\":1}"));  // ignored
    }
    { Responder dropped(sink, 2); }
    REQUIRE(sink->ids == std::vector<uint64_t>{1, 2});
    CHECK(sink->responses[0].body() == "{}");
    CHECK(sink->responses[1].result_int() == 500);
    CHECK(sink->responses[1].body().find("\"code\":\"Internal\"") != std::string::npos);
  }
}

}  // namespace
}  // namespace orderstream::http
