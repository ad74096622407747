#include "http/router.h"

#include <boost/beast/http/field.hpp>

#include <cstdio>
#include <exception>
#include <utility>

#include "common/check.h"

namespace orderstream::http {

namespace bhttp = boost::beast::http;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_param(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

bool url_decode(std::string_view in, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      *out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      *out += ' ';
    } else {
      *out += c;
    }
  }
  return true;
}

std::string url_encode_segment(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const bool dots_only = in == "." || in == "..";
  std::string out;
  for (char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '~' || (c == '.' && !dots_only)) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

void Router::add(bhttp::verb v, std::string pattern, Handler h, std::string route_name) {
  OS_CHECK(!pattern.empty() && pattern[0] == '/');
  OS_CHECK(h != nullptr);
  Route r{v, pattern, {}, std::move(h), route_name.empty() ? pattern : std::move(route_name)};
  if (pattern.size() > 1 && pattern.back() == '/') pattern.pop_back();
  for (std::string_view seg : split_path(pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

void Router::answer_from(size_t first, const Handler& h) {
  OS_CHECK(h != nullptr);
  for (size_t i = first; i < routes_.size(); ++i) routes_[i].handler = h;
}

bool Router::match(const Route& r, const std::vector<std::string>& segments,
                   std::unordered_map<std::string, std::string>* params) {
  if (r.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = r.segments[i];
    if (is_param(want)) {
      if (segments[i].empty()) return false;
    } else if (want != segments[i]) {
      return false;
    }
  }
  if (params) {
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& want = r.segments[i];
      if (is_param(want)) (*params)[want.substr(1, want.size() - 2)] = segments[i];
    }
  }
  return true;
}

std::string Router::dispatch(Request req, const Responder& responder) const {
  std::string_view target = req.target();
  size_t qpos = target.find('?');
  std::string_view raw_path = target.substr(0, qpos);
  std::string_view raw_query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);
  if (raw_path.empty() || raw_path[0] != '/') {
    responder.send(error_response(bhttp::status::bad_request, "InvalidArgument",
                                  "request target must be an absolute path"));
    return "unmatched";
  }
  if (raw_path.size() > 1 && raw_path.back() == '/') raw_path.remove_suffix(1);

  RouteRequest rr;
  // Segments are decoded one by one so an encoded '/' (%2F) stays inside its segment.
  std::vector<std::string> segments;
  for (std::string_view seg : split_path(raw_path)) {
    std::string decoded;
    if (!url_decode(seg, &decoded, false)) {
      responder.send(error_response(bhttp::status::bad_request, "InvalidArgument",
                                    "bad percent-encoding in path"));
      return "unmatched";
    }
    rr.path += '/';
    rr.path += decoded;
    segments.push_back(std::move(decoded));
  }
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t amp = raw_query.find('&', start);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view pair = raw_query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    if (!url_decode(pair.substr(0, eq), &key, true) ||
        (eq != std::string_view::npos && !url_decode(pair.substr(eq + 1), &value, true))) {
      responder.send(error_response(bhttp::status::bad_request, "InvalidArgument",
                                    "bad percent-encoding in query"));
      return "unmatched";
    }
    rr.query[std::move(key)] = std::move(value);
  }

  if (guard_) {
    if (std::optional<Response> refused = guard_(req, rr.path)) {
      responder.send(std::move(*refused));
      return "refused";
    }
  }

  const Route* found = nullptr;
  std::string allow;
  for (const Route& r : routes_) {
    if (!match(r, segments, nullptr)) continue;
    if (r.verb == req.method()) {
      found = &r;
      break;
    }
    std::string m(bhttp::to_string(r.verb));
    if (allow.find(m) == std::string::npos) allow += (allow.empty() ? "" : ", ") + m;
  }
  if (found == nullptr) {
    if (allow.empty()) {
      responder.send(
          error_response(bhttp::status::not_found, "NotFound", "no route for " + rr.path));
      return "unmatched";
    }
    Response res =
        error_response(bhttp::status::method_not_allowed, "MethodNotAllowed",
                       std::string(req.method_string()) + " is not allowed on " + rr.path);
    res.set(bhttp::field::allow, allow);
    responder.send(std::move(res));
    return "unmatched";
  }

  match(*found, segments, &rr.params);
  rr.req = std::move(req);
  // Nothing may escape an Asio handler: a throwing handler becomes a 500 (unless it already sent).
  try {
    found->handler(std::move(rr), responder);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http: handler for %s threw: %s\n", found->name.c_str(), e.what());
    if (!responder.sent())
      responder.send(error_response(bhttp::status::internal_server_error, "Internal", e.what()));
  } catch (...) {
    std::fprintf(stderr, "http: handler for %s threw a non-std exception\n", found->name.c_str());
    if (!responder.sent())
      responder.send(error_response(bhttp::status::internal_server_error, "Internal",
                                    "handler threw an exception"));
  }
  return found->name;
}

}  // namespace orderstream::http
