#include "api/owner_forward.h"

#include "api/api.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>

namespace orderstream::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// "http://host:port" (a trailing path is ignored) into its host and port.
bool split_url(const std::string& url, std::string* host, std::string* port) {
  constexpr std::string_view kScheme = "http://";
  if (url.compare(0, kScheme.size(), kScheme) != 0) return false;
  std::string rest = url.substr(kScheme.size());
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) {
    *host = rest;
    *port = "80";
  } else {
    *host = rest.substr(0, colon);
    *port = rest.substr(colon + 1);
  }
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  return !host->empty() && !port->empty();
}

// One forwarded exchange; keeps itself alive through its handlers.
struct Hop : std::enable_shared_from_this<Hop> {
  Hop(asio::io_context& io, Request req, std::chrono::milliseconds timeout, Responder res, std::string url,
      AdaptAnswer adapt, std::function<void()> unreachable)
      : resolver(io), stream(io), req(std::move(req)), timeout(timeout), res(std::move(res)), url(std::move(url)),
        adapt(std::move(adapt)), unreachable(std::move(unreachable)) {}

  void fail(const beast::error_code& ec, const char* during) {
    if (ec == beast::error::timeout)
      return res.send(error_response(bhttp::status::gateway_timeout, "Timeout",
                                     "the instance owning this key (" + url + ") did not answer within " +
                                         std::to_string(timeout.count()) + " ms"));
    // Not reachable at all: most likely gone without leaving the group yet; its partitions
    // move once the group notices (session.timeout.ms), so a retry will find the new owner.
    if (std::string_view(during) == "resolve" || std::string_view(during) == "connect") {
      if (unreachable) return unreachable();
      Response r = error_response(bhttp::status::service_unavailable, "Busy",
                                  "the instance owning this key (" + url + ") cannot be reached (" + ec.message() +
                                      "); its partitions move to another instance once the group notices, retry");
      r.set(bhttp::field::retry_after, "1");
      return res.send(std::move(r));
    }
    res.send(error_response(bhttp::status::bad_gateway, "BadGateway",
                            "the instance owning this key (" + url + ") could not be asked: " + during +
                                ": " + ec.message()));
  }

  void start(const std::string& host, const std::string& port) {
    stream.expires_after(timeout);
    resolver.async_resolve(host, port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->fail(ec, "resolve");
      self->stream.async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return self->fail(ec, "connect");
        bhttp::async_write(self->stream, self->req, [self](beast::error_code ec, size_t) {
          if (ec) return self->fail(ec, "write");
          self->parser.body_limit(64u << 20);
          bhttp::async_read(self->stream, self->buffer, self->parser, [self](beast::error_code ec, size_t) {
            if (ec) return self->fail(ec, "read");
            self->relay();
          });
        });
      });
    });
  }

  void relay() {
    bhttp::response<bhttp::string_body> in = parser.release();
    Response out = make_response(in.result(), std::move(in.body()), "application/json");
    for (bhttp::field f : {bhttp::field::content_type, bhttp::field::location, bhttp::field::retry_after})
      if (auto it = in.find(f); it != in.end()) out.set(f, it->value());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    res.send(adapt ? adapt(std::move(out)) : std::move(out));
  }

  tcp::resolver resolver;
  beast::tcp_stream stream;
  Request req;
  std::chrono::milliseconds timeout;
  Responder res;
  std::string url;
  AdaptAnswer adapt;
  std::function<void()> unreachable;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
};

}  // namespace

void forward_to_owner(asio::io_context& io, const std::string& base_url, const Request& req,
                      std::chrono::milliseconds timeout, Responder res, AdaptAnswer adapt,
                      std::function<void()> unreachable) {
  std::string host, port;
  if (!split_url(base_url, &host, &port))
    return res.send(error_response(bhttp::status::bad_gateway, "BadGateway",
                                   "the instance owning this key advertises '" + base_url +
                                       "', not an http://host:port URL"));
  Request out = req;
  out.version(11);
  out.keep_alive(false);
  out.set(bhttp::field::host, host + ":" + port);
  out.set(kForwardedHeader, "1");
  out.prepare_payload();
  std::make_shared<Hop>(io, std::move(out), timeout, std::move(res), base_url, std::move(adapt), std::move(unreachable))->start(host, port);
}

Response no_owner_response(const std::string& what) {
  Response r = error_response(bhttp::status::service_unavailable, "Busy",
                              "no instance owns " + what + " at the moment (a rebalance is moving it); retry");
  r.set(bhttp::field::retry_after, "1");
  return r;
}

bool route_to_owner(const OrdersContext& ctx, std::string_view sub, std::string_view key, const RouteRequest& r,
                    const Responder& res, std::chrono::milliseconds timeout) {
  if (!ctx.key_owner) return false;
  KeyOwner owner = ctx.key_owner(sub, key);
  if (owner.where == KeyOwner::Where::kHere) return false;
  std::string what = "the partition of '" + std::string(key) + "' in " + std::string(sub);
  // A forwarded request that finds no owner here either: ownership moved on the way.
  if (owner.where == KeyOwner::Where::kNobody || r.req.count(kForwardedHeader)) {
    res.send(no_owner_response(what));
    return true;
  }
  forward_to_owner(*ctx.base->io, owner.url, r.req, timeout, res);
  return true;
}

}  // namespace orderstream::api
