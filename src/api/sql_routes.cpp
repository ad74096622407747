// ksqlDB's REST shapes over the SQL engine:
//   POST /ksql          {"ksql":"<statements>;","streamsProperties":{...}} -> JSON array, one
//                       element per statement (CREATE, DROP, TERMINATE, SHOW, DESCRIBE, pull).
//   POST /query-stream  {"sql":"SELECT ...;","properties":{...}} (also "ksql"/"streamsProperties")
//                       -> a header line {"queryId",...,"columnNames","columnTypes"} then one JSON
//                       array per row. A pull query answers at once. A push query streams: the
//                       header goes out at once and each row as soon as its record is in the log
//                       (chunked), until LIMIT rows, ?timeout= ms if given, the client leaving, or
//                       the server stopping. A storage error mid-stream ends it with a line
//                       {"code":...,"message":...}.
#include <simdjson.h>

#include <atomic>

#include "api/api.h"
#include "api/durable_answer.h"
#include "sql/parser.h"
#include "sql/result_format.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view kDelimited = "application/vnd.ksqlapi.delimited.v1";

struct SqlRequest {
  std::string text;
  sql::QueryProperties props;
};

// Reads the statement text (field `text_field`, or `alt_field`) and the properties object.
Result<SqlRequest> parse_body(const std::string& body, std::initializer_list<const char*> text_fields,
                              std::initializer_list<const char*> props_fields) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(body).get(doc); err != simdjson::SUCCESS)
    return invalid_argument(std::string("malformed JSON: ") + simdjson::error_message(err));
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return invalid_argument("the body must be a JSON object");
  SqlRequest req;
  bool found = false;
  for (const char* f : text_fields) {
    std::string_view text;
    auto field = obj[f];
    if (field.error() == simdjson::NO_SUCH_FIELD) continue;
    if (field.get_string().get(text) != simdjson::SUCCESS)
      return invalid_argument(std::string("field '") + f + "' must be a string");
    req.text = std::string(text);
    found = true;
  }
  if (!found) return invalid_argument(std::string("missing required field '") + *text_fields.begin() + "'");
  for (const char* f : props_fields) {
    auto field = obj[f];
    if (field.error() == simdjson::NO_SUCH_FIELD) continue;
    simdjson::dom::object props;
    if (field.get_object().get(props) != simdjson::SUCCESS)
      return invalid_argument(std::string("field '") + f + "' must be an object");
    for (auto [k, v] : props) {
      std::string_view value;
      if (v.get_string().get(value) != simdjson::SUCCESS)
        return invalid_argument("property '" + std::string(k) + "' must be a string");
      OS_RETURN_IF_ERROR(req.props.set(k, value));
    }
  }
  return req;
}

void post_ksql(const std::shared_ptr<const SqlContext>& ctx, RouteRequest&& r, Responder res) {
  auto req = parse_body(r.req.body(), {"ksql"}, {"streamsProperties"});
  if (!req.ok()) return res.send(status_response(req.status()));
  auto statements = sql::parse_statements(req->text);
  if (!statements.ok()) return res.send(status_response(statements.status()));
  for (const sql::Statement& st : *statements)
    if (sql::is_push_query(st))
      return res.send(status_response(invalid_argument(
          st.pos.to_string() + ": push queries (EMIT CHANGES) go to POST /query-stream")));
  std::string body = "[";
  for (size_t i = 0; i < statements->size(); ++i) {
    auto result = ctx->sql->execute((*statements)[i], &req->props);
    if (!result.ok()) {
      // Statements before it took effect; say which one failed.
      return res.send(status_response(result.status().with_context(
          "statement " + std::to_string(i + 1) + " of " + std::to_string(statements->size()))));
    }
    body += (i ? "," : "") + sql::to_ksql_json(*result);
  }
  send_durable(*ctx->base, res, json_response(bhttp::status::ok, body + "]"));
}

// A push query's response, touched only on its PushRunner thread. The head goes out on the first
// call, from that thread, so a query the runner refuses (Busy) can still be answered 503.
class PushResponse {
 public:
  PushResponse(Responder res, std::string header) : res_(std::move(res)), header_(std::move(header)) {}
  const ResponseStream& stream() {
    if (!started_) {
      started_ = true;
      stream_ = res_.stream(make_response(bhttp::status::ok, header_ + "\n", kDelimited));
    }
    return stream_;
  }

 private:
  Responder res_;
  std::string header_;
  bool started_ = false;
  ResponseStream stream_;
};

Response rows_response(const std::string& header, const std::vector<std::vector<sql::Value>>& rows) {
  std::string body = header + "\n";
  for (const auto& row : rows) body += sql::row_json(row) + "\n";
  return make_response(bhttp::status::ok, std::move(body), kDelimited);
}

void post_query_stream(const std::shared_ptr<const SqlContext>& ctx, RouteRequest&& r, Responder res) {
  static std::atomic<uint64_t> next_id{1};
  auto req = parse_body(r.req.body(), {"sql", "ksql"}, {"properties", "streamsProperties"});
  if (!req.ok()) return res.send(status_response(req.status()));
  auto st = sql::parse_statement(req->text);
  if (!st.ok()) return res.send(status_response(st.status()));
  if (st->kind != sql::StatementKind::kSelect)
    return res.send(status_response(invalid_argument("/query-stream runs one SELECT; other statements go to POST /ksql")));
  std::string query_id = "transient_" + std::to_string(next_id.fetch_add(1));
  if (!sql::is_push_query(*st)) {
    auto result = ctx->sql->execute(*st, &req->props);
    if (!result.ok()) return res.send(status_response(result.status()));
    return send_durable(*ctx->base, res, rows_response(sql::query_header_json(query_id, result->columns, result->column_types), result->rows));
  }
  auto timeout = parse_stream_timeout(r, *ctx->base);
  if (!timeout.ok()) return res.send(status_response(timeout.status()));
  auto query = ctx->sql->start_push(*st, req->props);
  if (!query.ok()) return res.send(status_response(query.status()));
  auto out = std::make_shared<PushResponse>(
      res, sql::query_header_json(query_id, (*query)->columns(), (*query)->column_types()));
  Status started = ctx->sql->push_runner().run(
      std::move(*query), *timeout,
      [ctx, out](std::vector<std::vector<sql::Value>> rows) {
        // Rows go out only once what they were computed from is durable (the runner's thread
        // may wait for that sync; an io thread never does).
        if (Status d = wait_durable(*ctx->base); !d.is_ok()) {
          out->stream().write(status_json(d) + "\n");
          return false;
        }
        std::string lines;
        for (const auto& row : rows) lines += sql::row_json(row) + "\n";
        return out->stream().write(lines);
      },
      [out](Status s) {
        if (!s.is_ok()) out->stream().write(status_json(s) + "\n");
        out->stream().end();
      },
      [out] { return !out->stream().closed(); });
  if (!started.is_ok()) res.send(status_response(started));
}

}  // namespace

void add_sql_routes(Router& router, const std::shared_ptr<const SqlContext>& ctx) {
  router.add(bhttp::verb::post, "/ksql", [ctx](RouteRequest&& r, Responder res) {
    post_ksql(ctx, std::move(r), std::move(res));
  });
  router.add(bhttp::verb::post, "/query-stream", [ctx](RouteRequest&& r, Responder res) {
    post_query_stream(ctx, std::move(r), std::move(res));
  });
}

}  // namespace orderstream::api
