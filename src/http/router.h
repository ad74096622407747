// Router: maps (method, path pattern) to handlers and dispatches requests, answering 404/405/400
// JSON itself. Built before the Server starts and immutable afterwards, so dispatch() is safe from
// any thread.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/responder.h"
#include "http/response.h"

namespace orderstream::http {

struct RouteRequest {
  Request req;
  std::unordered_map<std::string, std::string> params;  // from {name} segments, url-decoded
  std::unordered_map<std::string, std::string> query;   // url-decoded ('+' is a space)
  std::string path;                                     // url-decoded path without the query
};

// Runs on an io thread and must not block; it completes the request through the Responder now or
// later, from any thread. Exceptions it throws become a 500 JSON response.
using Handler = std::function<void(RouteRequest&&, Responder)>;

// Percent-decodes `in` into *out ('+' becomes a space when plus_is_space). False on a bad escape.
bool url_decode(std::string_view in, std::string* out, bool plus_is_space);
// `in` as one path segment: every byte but ALPHA / DIGIT / "-" / "." / "_" / "~" is
// percent-encoded, and the dots too when `in` is "." or ".." (clients drop such segments).
std::string url_encode_segment(std::string_view in);

// Runs before any route is matched (so an unauthenticated client learns nothing of which paths
// exist): nullopt lets the request through; a Response answers it instead. `path` is decoded,
// without the query or a trailing slash. Must not block; safe from any thread.
using Guard = std::function<std::optional<Response>(const Request& req, std::string_view path)>;

class Router {
 public:
  // Pattern like "/v1/orders/{id}/validated"; a {name} segment matches one non-empty segment. A
  // trailing slash on the request path also matches. route_name labels metrics (default: pattern).
  // REQUIRES: called before the Router is handed to a Server; pattern starts with '/'.
  void add(boost::beast::http::verb v, std::string pattern, Handler h, std::string route_name = "");
  // Routes added so far; with answer_from, a group of routes can be kept known (so that clients
  // get the same 404/405 answers) while another handler answers them all, e.g. a refusal.
  size_t route_count() const { return routes_.size(); }
  // Routes from index `first` on are answered by h instead of their own handlers. REQUIRES: as add.
  void answer_from(size_t first, const Handler& h);

  // Matches req and calls the handler, or answers 404 (unknown path), 405 with an Allow header
  // (known path, wrong method) or 400 (bad percent-encoding) itself. Catches handler exceptions and
  // answers 500 unless the handler already responded. Returns the route label for metrics
  // ("unmatched" when no route matched).
  std::string dispatch(Request req, const Responder& responder) const;
  // One guard for every request (authentication). REQUIRES: called before the Server starts.
  void set_guard(Guard guard) { guard_ = std::move(guard); }

 private:
  struct Route {
    boost::beast::http::verb verb;
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" segments are parameters
    Handler handler;
    std::string name;
  };
  static bool match(const Route& r, const std::vector<std::string>& segments,
                    std::unordered_map<std::string, std::string>* params);

  std::vector<Route> routes_;
  Guard guard_;
};

}  // namespace orderstream::http
