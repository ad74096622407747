// Interactive queries across instances (the article's getKeyLocationOrBlock): a GET for a key
// whose partition another instance owns is sent on to that instance's advertised URL and its
// answer relayed as it came. The hop is marked so that an instance that does not own the key
// either (ownership moved meanwhile) answers 503 instead of forwarding again.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "api/http_vocabulary.h"

namespace orderstream::api {

// The header a forwarded request carries.
inline constexpr const char* kForwardedHeader = "X-Orderstream-Forwarded";

// Where a key's partition is served from.
struct KeyOwner {
  enum class Where { kHere, kThere, kNobody } where = Where::kHere;
  std::string url;  // kThere: the owner's advertised URL, e.g. "http://10.0.0.7:8080"
};

// Turns the owner's answer into this request's answer (e.g. a GET's 200 into a POST's 201).
using AdaptAnswer = std::function<Response(Response)>;

// Sends `req` (method, target, headers and body) to `base_url`, waits at most `timeout` for the
// whole answer, and sends that answer (through adapt, if set) through res; 503 with Retry-After
// when the owner cannot be reached (gone, its partitions about to move), 502 (BadGateway) when
// it breaks off or answers garbage, 504 when it takes longer. JSON bodies. Never blocks the
// calling thread.
// `unreachable`, when set, runs instead of the 503 (on an io thread).
void forward_to_owner(boost::asio::io_context& io, const std::string& base_url, const Request& req,
                      std::chrono::milliseconds timeout, Responder res, AdaptAnswer adapt = {},
                      std::function<void()> unreachable = {});

// 503 with Retry-After: 1 for a key no instance owns now (a rebalance is moving its partition).
Response no_owner_response(const std::string& what);

}  // namespace orderstream::api
