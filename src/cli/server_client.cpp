#include "cli/server_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <simdjson.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>

#include "cli/load_client.h"
#include "cli/serve_file.h"
#include "http/response.h"
#include "http/router.h"
#include "log/topic_config.h"

namespace orderstream::cli {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr size_t kMaxRecordsPerRequest = 10000;  // the server's limit, and produce's batch
// How long the server has to answer: a probe is quick; a compaction may scan a whole topic.
constexpr auto kProbeTimeout = std::chrono::seconds(5);
constexpr auto kCallTimeout = std::chrono::seconds(600);


void append_base64(std::string& out, std::string_view in) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kDigits[(v >> shift) & 63];
  }
  if (in.size() - i == 1) {
    uint32_t v = byte(i) << 16;
    out += kDigits[(v >> 18) & 63];
    out += kDigits[(v >> 12) & 63];
    out += "==";
  } else if (in.size() - i == 2) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    for (int shift : {18, 12, 6}) out += kDigits[(v >> shift) & 63];
    out += '=';
  }
}

void append_bytes_json(std::string& out, std::optional<std::string_view> bytes) {
  if (!bytes) {
    out += "null";
    return;
  }
  out += '"';
  append_base64(out, *bytes);
  out += '"';
}

// Names and config strings the CLI checked are plain ASCII; anything else is escaped anyway.
std::string quote(std::string_view s) { return http::json_quote(s); }

// The server's {"code","message"} error as a Status (the code names are StatusCode's; a 403
// PermissionDenied becomes InvalidArgument: the request is refused as given).
Status server_error(int http_status, const std::string& body, const std::string& url) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view code, message;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || doc["code"].get(code) != simdjson::SUCCESS ||
      doc["message"].get(message) != simdjson::SUCCESS)
    return io_error("the server at " + url + " answered HTTP " + std::to_string(http_status) + ": " + body);
  for (StatusCode c : {StatusCode::kNotFound, StatusCode::kInvalidArgument, StatusCode::kCorruption,
                       StatusCode::kIOError, StatusCode::kBusy, StatusCode::kAborted, StatusCode::kConflict,
                       StatusCode::kNoSpace, StatusCode::kTimeout})
    if (code == status_code_name(c)) return Status(c, std::string(message));
  if (code == "PermissionDenied") return invalid_argument(std::string(message));
  return io_error(std::string(message));
}

}  // namespace

// One keep-alive HTTP/1.1 connection with a deadline on every step (Beast's timeouts apply to
// asynchronous operations only, so each step runs the io_context until it completes).
class ServerClient::Connection {
 public:
  struct Reply {
    int status = 0;  // 0: no answer (the error is in body)
    std::string body;
  };
  Connection(std::string host, std::string port, std::string token)
      : host_(std::move(host)), port_(std::move(port)), token_(std::move(token)) {}

  Reply request(bhttp::verb verb, const std::string& target, const std::string& body,
                std::chrono::seconds timeout) {
    // A failed request is never sent again (a produce could be appended twice), so a connection
    // is reused only while the server surely keeps it open (it closes idle ones after 60 s).
    if (stream_ && std::chrono::steady_clock::now() - last_used_ > std::chrono::seconds(10)) stream_.reset();
    beast::error_code ec;
    if (!stream_) {
      tcp::resolver resolver(io_);
      auto endpoints = resolver.resolve(host_, port_, ec);
      if (ec) return {0, "resolving " + host_ + ": " + ec.message()};
      stream_.emplace(io_);
      stream_->expires_after(timeout);
      stream_->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
      if (run(); ec) return fail("connect", ec);
    }
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, host_);
    req.set(bhttp::field::content_type, "application/json");
    if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    stream_->expires_after(timeout);
    bhttp::async_write(*stream_, req, [&](beast::error_code e, size_t) { ec = e; });
    if (run(); ec) return fail("sending the request", ec);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    stream_->expires_after(timeout);
    bhttp::async_read(*stream_, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    if (run(); ec) return fail("reading the answer", ec);
    auto res = parser.release();
    if (res.keep_alive()) last_used_ = std::chrono::steady_clock::now();
    else stream_.reset();
    return {static_cast<int>(res.result_int()), std::move(res.body())};
  }

 private:
  void run() {
    io_.restart();
    io_.run();
  }
  Reply fail(const char* what, const beast::error_code& ec) {
    stream_.reset();
    return {0, std::string(what) + ": " + (ec == beast::error::timeout ? "timed out" : ec.message())};
  }

  std::string host_, port_, token_;
  boost::asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  std::chrono::steady_clock::time_point last_used_;
};

ServerClient::ServerClient(std::string url, int64_t pid, size_t max_body_bytes, std::string token,
                           std::unique_ptr<Connection> conn)
    : url_(std::move(url)),
      pid_(pid),
      max_body_bytes_(max_body_bytes),
      token_(std::move(token)),
      conn_(std::move(conn)) {}

ServerClient::~ServerClient() = default;

Result<std::unique_ptr<ServerClient>> ServerClient::find(const std::string& data_dir, const Status& busy) {
  std::string path = serve_file(data_dir);
  std::string why;
  auto refuse = [&](const std::string& reason) {
    return Status(busy.code(), busy.message() + " (" + reason + ", so this command cannot go through a server)");
  };
  std::optional<ServeFile> f = read_serve_file(path, &why);
  if (!f) return refuse(why);
  // A server killed without its clean shutdown leaves the file behind: believe it only if its
  // process runs and its URL answers as that process, serving this very directory.
  if (!process_alive(f->pid))
    return refuse(path + " names pid " + std::to_string(f->pid) + ", which is not running");
  std::string host, port;
  if (!parse_http_url(f->url, &host, &port)) return refuse(path + " names no http://HOST:PORT URL");
  // The token serve recorded (owner-only file); ORDERSTREAM_API_TOKEN overrides it.
  const char* env_token = std::getenv("ORDERSTREAM_API_TOKEN");
  std::string token = env_token && *env_token ? env_token : f->token;
  auto conn = std::make_unique<Connection>(host, port, token);
  Connection::Reply r = conn->request(bhttp::verb::get, "/v1/admin/server", "", kProbeTimeout);
  if (r.status != 200)
    return refuse(path + " names " + f->url + ", which does not answer as a server (" +
                  (r.status == 0 ? r.body : "HTTP " + std::to_string(r.status)) + ")");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  int64_t pid = 0;
  std::string_view dir;
  std::error_code ec;
  if (parser.parse(r.body).get(doc) != simdjson::SUCCESS || doc["pid"].get(pid) != simdjson::SUCCESS ||
      doc["dataDir"].get(dir) != simdjson::SUCCESS || pid != f->pid ||
      !fs::equivalent(fs::path(std::string(dir)), fs::path(data_dir), ec))
    return refuse(path + " names " + f->url + ", where another server answers");
  return std::unique_ptr<ServerClient>(
      new ServerClient(f->url, f->pid, f->max_body_bytes, std::move(token), std::move(conn)));
}

Result<std::string> ServerClient::call(Method method, const std::string& target, const std::string& body) {
  bhttp::verb verb = method == Method::kGet    ? bhttp::verb::get
                     : method == Method::kPost ? bhttp::verb::post
                                               : bhttp::verb::delete_;
  Connection::Reply r = conn_->request(verb, target, body, kCallTimeout);
  if (r.status == 0)
    return io_error("the server at " + url_ + " (pid " + std::to_string(pid_) + ") did not answer: " + r.body);
  if (r.status < 200 || r.status >= 300) return server_error(r.status, r.body, url_);
  return std::move(r.body);
}

namespace {

std::string configs_json(const std::vector<std::string>& configs) {
  std::string out = "{";
  for (const std::string& kv : configs) {
    size_t eq = kv.find('=');
    out += (out.size() > 1 ? "," : "") + quote(kv.substr(0, eq)) + ":" +
           quote(eq == std::string::npos ? "" : kv.substr(eq + 1));
  }
  return out + "}";
}

std::string topic_target(const std::string& topic) { return "/v1/admin/topics/" + http::url_encode_segment(topic); }

}  // namespace

Status ServerClient::create_topic(const std::string& name, int32_t partitions,
                                  const std::vector<std::string>& configs) {
  return call(Method::kPost, "/v1/admin/topics",
              "{\"name\":" + quote(name) + ",\"partitions\":" + std::to_string(partitions) +
                  ",\"configs\":" + configs_json(configs) + "}")
      .status();
}

Result<log::TopicConfig> ServerClient::alter_topic(const std::string& name, const std::vector<std::string>& configs) {
  OS_ASSIGN_OR_RETURN(std::string body,
                      call(Method::kPost, topic_target(name) + "/configs", "{\"configs\":" + configs_json(configs) + "}"));
  simdjson::dom::parser parser;
  simdjson::dom::object applied;
  if (parser.parse(body)["configs"].get(applied) != simdjson::SUCCESS)
    return io_error("the server at " + url_ + " answered without the topic's configs: " + body);
  log::TopicConfig config;
  for (auto [key, value] : applied) {
    std::string_view v;
    if (value.get_string().get(v) != simdjson::SUCCESS)
      return io_error("the server at " + url_ + " answered a config that is not a string: " + body);
    OS_RETURN_IF_ERROR(log::apply_config(&config, std::string(key) + "=" + std::string(v)));
  }
  return config;
}

Status ServerClient::delete_topic(const std::string& name) {
  return call(Method::kDelete, topic_target(name), "").status();
}

Status ServerClient::append(const std::string& topic, std::optional<PartitionId> partition,
                            std::span<const log::RecordData> records, int64_t* appended) {
  *appended = 0;
  const std::string head = "{\"records\":[", tail = "]}";
  const std::string target = topic_target(topic) + "/records";
  const std::string pinned = partition ? std::to_string(partition->v) : "null";
  std::string body = head;
  size_t in_body = 0;
  auto send = [&]() -> Status {
    OS_RETURN_IF_ERROR(call(Method::kPost, target, body + tail).status());
    *appended += static_cast<int64_t>(in_body);
    body = head;
    in_body = 0;
    return Status::ok();
  };
  if (records.empty()) return send();
  std::string one;
  for (const log::RecordData& r : records) {
    one = "{\"key\":";
    append_bytes_json(one, r.key);
    one += ",\"value\":";
    append_bytes_json(one, r.value);
    if (!r.headers.empty()) {
      one += ",\"headers\":[";
      for (size_t i = 0; i < r.headers.size(); ++i) {
        one += i ? ",[" : "[";
        append_bytes_json(one, r.headers[i].key);
        one += ",";
        append_bytes_json(one, r.headers[i].value);
        one += "]";
      }
      one += "]";
    }
    one += ",\"partition\":" + pinned + "}";
    if (head.size() + one.size() + tail.size() > max_body_bytes_)
      return invalid_argument("a record of " + std::to_string(one.size()) +
                              " bytes (base64 in JSON) is larger than the running server accepts "
                              "in a request (its --max-body-bytes is " + std::to_string(max_body_bytes_) + ")");
    if (in_body > 0 && (in_body >= kMaxRecordsPerRequest ||
                        body.size() + 1 + one.size() + tail.size() > max_body_bytes_))
      OS_RETURN_IF_ERROR(send());
    if (in_body > 0) body += ",";
    body += one;
    ++in_body;
  }
  return send();
}

Status ServerClient::commit_offsets(const std::string& group,
                                    const std::vector<std::pair<log::TopicPartition, Offset>>& offsets) {
  std::string body = "{\"offsets\":[";
  for (size_t i = 0; i < offsets.size(); ++i)
    body += std::string(i ? "," : "") + "{\"topic\":" + quote(offsets[i].first.topic) +
            ",\"partition\":" + std::to_string(offsets[i].first.partition.v) +
            ",\"offset\":" + std::to_string(offsets[i].second.v) + "}";
  return call(Method::kPost, "/v1/admin/groups/" + http::url_encode_segment(group) + "/offsets", body + "]}")
      .status();
}

Result<log::CleanerStats> ServerClient::compact(const std::string& topic) {
  OS_ASSIGN_OR_RETURN(std::string body, call(Method::kPost, "/v1/admin/compact",
                                             topic.empty() ? "{}" : "{\"topic\":" + quote(topic) + "}"));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  log::CleanerStats stats;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS ||
      doc["recordsRemoved"].get(stats.records_removed) != simdjson::SUCCESS ||
      doc["bytesRemoved"].get(stats.bytes_removed) != simdjson::SUCCESS ||
      doc["tombstonesRemoved"].get(stats.tombstones_removed) != simdjson::SUCCESS)
    return io_error("the server at " + url_ + " answered an unexpected compaction result: " + body);
  return stats;
}

Result<WriteTarget> open_for_write(const GlobalOptions& global, Access access) {
  WriteTarget target;
  auto log = open_log(global, access);
  if (log.ok()) {
    target.log = std::move(*log);
    return target;
  }
  if (log.status().code() != StatusCode::kBusy) return log.status();
  OS_ASSIGN_OR_RETURN(target.server, ServerClient::find(global.data_dir, log.status()));
  return target;
}

}  // namespace orderstream::cli
