// The web console's routes: GET / redirects to /ui/, /ui/ is index.html and /ui/<file> the
// other embedded files (api/ui_assets.h). Each answer carries its ETag and must be revalidated
// (no-cache), so a browser gets 304 until a new binary serves a changed console, and never runs
// an old script against a new server. The files hold no data: they are served without the API
// token, and the console sends the token with its API calls (ui_public_path below).
#include "api/api.h"
#include "api/ui_assets.h"

namespace orderstream::api {
namespace {

namespace bhttp = boost::beast::http;

const UiAsset* find_asset(std::string_view name) {
  for (const UiAsset& a : ui_assets())
    if (a.name == name) return &a;
  return nullptr;
}

// If-None-Match holds `*` or a comma-separated list of entity tags (RFC 9110 13.1.2; weak
// comparison, so W/ prefixes match too).
bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

void send_asset(const RouteRequest& r, Responder res, std::string_view name) {
  const UiAsset* a = find_asset(name);
  if (!a) {
    res.send(error_response(bhttp::status::not_found, "NotFound",
                            "no file '" + std::string(name) + "' in the console (see GET /ui/)"));
    return;
  }
  bool fresh = etag_matches(r.req[bhttp::field::if_none_match], a->etag);
  Response out = fresh ? make_response(bhttp::status::not_modified, "", a->content_type)
                       : make_response(bhttp::status::ok, std::string(a->body), a->content_type);
  out.set(bhttp::field::etag, a->etag);
  out.set(bhttp::field::cache_control, "no-cache");
  out.set("X-Content-Type-Options", "nosniff");
  // Everything the console loads comes from this server; nothing inline but its own styles.
  out.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
  res.send(std::move(out));
}

void redirect(Responder res, std::string_view to) {
  Response out = make_response(bhttp::status::found, "", "text/plain");
  out.set(bhttp::field::location, to);
  res.send(std::move(out));
}

}  // namespace

bool ui_public_path(std::string_view path) { return path == "/" || path == "/ui" || path.starts_with("/ui/"); }

void add_ui_routes(Router& router) {
  router.add(bhttp::verb::get, "/", [](RouteRequest&&, Responder res) { redirect(res, "/ui/"); }, "/ui");
  // "/ui/" matches this route too (a trailing slash does, router.h): it is the console itself,
  // and "/ui" is sent there so that the page's relative URLs resolve under /ui/.
  router.add(bhttp::verb::get, "/ui", [](RouteRequest&& r, Responder res) {
    std::string_view target = r.req.target();
    if (target.substr(0, target.find('?')).ends_with('/')) send_asset(r, res, "index.html");
    else redirect(res, "/ui/");
  }, "/ui");
  router.add(bhttp::verb::get, "/ui/{file}",
             [](RouteRequest&& r, Responder res) { send_asset(r, res, r.params.at("file")); }, "/ui");
}

}  // namespace orderstream::api
