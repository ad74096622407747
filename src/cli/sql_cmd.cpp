// `orderstream sql ["STATEMENTS;"] [--url URL]`: runs SQL statements and prints bordered tables.
// With no statement argument it reads statements from stdin (a `sql>` prompt on a terminal).
// Without --url it opens the data dir itself, taking the writer lock: persistent queries created
// this way are recorded in the catalog and run when `serve` starts; while `orderstream serve`
// holds the dir, it sends them to the URL that server recorded (server_client.h), as with --url.
// With --url it sends the statements to that server (/ksql, /query-stream).
// Runs on the main thread.
#include <CLI/CLI.hpp>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/load_client.h"
#include "cli/server_client.h"
#include "cli/service_commands.h"
#include "common/json_string.h"
#include "services/ownership.h"
#include "sql/engine.h"
#include "sql/parser.h"
#include "sql/result_format.h"

namespace orderstream::cli {
namespace {

struct SqlOptions {
  std::string statements;
  std::string url;
  int timeout_ms = 10000;  // push queries over --url: how long to collect rows
};

// Where statements run: in this process over the data dir, or in a server over HTTP.
class Backend {
 public:
  virtual ~Backend() = default;
  // Runs one statement and prints its result. Errors are the statement's.
  virtual Status run(const sql::Statement& st) = 0;
  sql::QueryProperties props;
};

Status print(const std::string& text) {
  auto written = write_stdout(text);
  if (!written.ok()) return written.status();
  return *written ? Status::ok() : aborted("stdout closed");
}

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(std::unique_ptr<log::Log> log) : log_(std::move(log)) {}
  Status init() {
    OS_ASSIGN_OR_RETURN(engine_, sql::Engine::open(
                                     *log_, {.partitions = 4, .mode = sql::QueryMode::kNone,
                                             .owned_topic = services::topic_refusal}));
    return Status::ok();
  }
  Status run(const sql::Statement& st) override {
    if (sql::is_push_query(st)) return push(st);
    OS_ASSIGN_OR_RETURN(sql::StatementResult r, engine_->execute(st, &props));
    return print(sql::render_result(r));
  }

 private:
  // Prints rows as they arrive until LIMIT or Ctrl-C: the table's header, then one line per row
  // (a cell wider than its header widens its own line).
  Status push(const sql::Statement& st) {
    OS_ASSIGN_OR_RETURN(std::unique_ptr<sql::PushQuery> q, engine_->start_push(st, props));
    std::string empty = sql::render_table(q->columns(), {});  // rule, header, rule, rule
    std::string rule = line_of(empty, 0);
    OS_RETURN_IF_ERROR(print(rule + line_of(empty, 1) + rule));
    install_stop_signals();
    int64_t rows = 0;
    while (!q->done() && !stop_requested()) {
      std::vector<std::vector<sql::Value>> batch;
      OS_RETURN_IF_ERROR(q->poll(&batch, std::chrono::milliseconds(200)));
      for (const auto& row : batch) {
        OS_RETURN_IF_ERROR(print(line_of(sql::render_table(q->columns(), {row}), 3)));
        ++rows;
      }
    }
    return print(rule + std::to_string(rows) + (rows == 1 ? " row\n" : " rows\n"));
  }

  // Line n (from 0) of text, with its newline.
  static std::string line_of(const std::string& text, int n) {
    size_t start = 0;
    for (int i = 0; i < n; ++i) start = text.find('\n', start) + 1;
    return text.substr(start, text.find('\n', start) + 1 - start);
  }

  std::unique_ptr<log::Log> log_;
  std::unique_ptr<sql::Engine> engine_;
};

sql::Value from_json(simdjson::dom::element e) {
  int64_t i = 0;
  double d = 0;
  std::string_view s;
  bool b = false;
  if (e.is_null()) return {};
  if (e.get_int64().get(i) == simdjson::SUCCESS) return sql::Value::integer(i);
  if (e.get_double().get(d) == simdjson::SUCCESS) return sql::Value::real(d);
  if (e.get_string().get(s) == simdjson::SUCCESS) return sql::Value::string(std::string(s));
  if (e.get_bool().get(b) == simdjson::SUCCESS) return sql::Value::boolean(b);
  return sql::Value::string(simdjson::minify(e));
}

// A table of the objects of a JSON array: the first object's keys are the columns.
std::string table_of(simdjson::dom::array items) {
  std::vector<std::string> columns;
  std::vector<std::vector<sql::Value>> rows;
  for (simdjson::dom::element item : items) {
    simdjson::dom::object obj;
    if (item.get_object().get(obj) != simdjson::SUCCESS) continue;
    if (columns.empty())
      for (auto f : obj) columns.emplace_back(f.key);
    std::vector<sql::Value> row;
    for (const std::string& c : columns) {
      simdjson::dom::element v;
      row.push_back(obj[c].get(v) == simdjson::SUCCESS ? from_json(v) : sql::Value());
    }
    rows.push_back(std::move(row));
  }
  return sql::render_table(columns, rows);
}

class RemoteBackend final : public Backend {
 public:
  RemoteBackend(std::string host, std::string port, int timeout_ms, std::string token)
      : client_(std::move(host), std::move(port), std::move(token)), timeout_ms_(timeout_ms) {}
  Status run(const sql::Statement& st) override {
    if (st.kind == sql::StatementKind::kSet) return props.set(st.name, st.set_value);
    std::string props_json = std::string("{\"auto.offset.reset\":\"") + (props.from_beginning ? "earliest" : "latest") + "\"}";
    std::string text;
    append_json_string(text, st.text + ";");
    bool query = st.kind == sql::StatementKind::kSelect;
    HttpReply reply = query ? client_.request(boost::beast::http::verb::post,
                                              "/query-stream?timeout=" + std::to_string(timeout_ms_),
                                              "{\"sql\":" + text + ",\"properties\":" + props_json + "}")
                            : client_.request(boost::beast::http::verb::post, "/ksql",
                                              "{\"ksql\":" + text + ",\"streamsProperties\":" + props_json + "}");
    if (reply.status == 0) return io_error(reply.body);
    simdjson::dom::parser parser;
    if (reply.status != 200) {
      std::string_view message = reply.body;
      simdjson::dom::element doc;
      if (parser.parse(reply.body).get(doc) == simdjson::SUCCESS && doc["message"].get(message) != simdjson::SUCCESS)
        message = reply.body;
      return invalid_argument(std::string(message));
    }
    return query ? print_rows(reply.body) : print_results(parser, reply.body);
  }

 private:
  Status print_rows(const std::string& body) {
    simdjson::dom::parser parser;
    std::vector<std::string> columns;
    std::vector<std::vector<sql::Value>> rows;
    size_t start = 0;
    while (start < body.size()) {
      size_t nl = body.find('\n', start);
      std::string line = body.substr(start, nl - start);
      start = nl == std::string::npos ? body.size() : nl + 1;
      simdjson::dom::element e;
      if (line.empty() || parser.parse(line).get(e) != simdjson::SUCCESS) continue;
      simdjson::dom::array names, values;
      if (e["columnNames"].get(names) == simdjson::SUCCESS) {
        for (auto n : names) columns.emplace_back(std::string_view(n.get_string().value_unsafe()));
      } else if (e.get_array().get(values) == simdjson::SUCCESS) {
        std::vector<sql::Value> row;
        for (auto v : values) row.push_back(from_json(v));
        rows.push_back(std::move(row));
      }
    }
    return print(sql::render_table(columns, rows) + std::to_string(rows.size()) +
                 (rows.size() == 1 ? " row\n" : " rows\n"));
  }

  Status print_results(simdjson::dom::parser& parser, const std::string& body) {
    simdjson::dom::array results;
    if (parser.parse(body).get(results) != simdjson::SUCCESS) return print(body + "\n");
    for (simdjson::dom::element r : results) {
      std::string_view message;
      simdjson::dom::array items;
      if (r["commandStatus"]["message"].get(message) == simdjson::SUCCESS) {
        OS_RETURN_IF_ERROR(print(std::string(message) + "\n"));
        continue;
      }
      for (const char* field : {"streams", "tables", "queries"})
        if (r[field].get(items) == simdjson::SUCCESS) OS_RETURN_IF_ERROR(print(table_of(items)));
      if (r["sourceDescription"]["fields"].get(items) == simdjson::SUCCESS) OS_RETURN_IF_ERROR(print(table_of(items)));
      if (r["rows"].get(items) == simdjson::SUCCESS) OS_RETURN_IF_ERROR(print(simdjson::minify(r) + "\n"));
    }
    return Status::ok();
  }

  LoadClient client_;
  int timeout_ms_;
};

// Runs every statement of `text`; returns the first error (after printing it) or OK.
Status run_text(Backend& backend, const std::string& text) {
  OS_ASSIGN_OR_RETURN(std::vector<sql::Statement> all, sql::parse_statements(text));
  for (const sql::Statement& st : all) OS_RETURN_IF_ERROR(backend.run(st));
  return Status::ok();
}

int run_stdin(Backend& backend) {
  bool tty = isatty(STDIN_FILENO);
  std::string buffer, line;
  int code = kExitOk;
  if (tty) std::printf("sql> "), std::fflush(stdout);
  while (std::getline(std::cin, line)) {
    buffer += line + "\n";
    size_t end = line.find_last_not_of(" \t\r");
    if (end != std::string::npos && line[end] == ';') {
      Status st = run_text(backend, buffer);
      buffer.clear();
      if (!st.is_ok()) code = report(st);
    }
    if (tty) std::printf(buffer.empty() ? "sql> " : "  -> "), std::fflush(stdout);
  }
  if (buffer.find_first_not_of(" \t\r\n") != std::string::npos)
    if (Status st = run_text(backend, buffer); !st.is_ok()) code = report(st);
  return code;
}

// The backend of `--url URL`.
Result<std::unique_ptr<Backend>> remote_backend(const std::string& url, int timeout_ms,
                                                const std::string& token = client_token()) {
  std::string host, port;
  if (!parse_http_url(url, &host, &port)) return invalid_argument("--url must be http://HOST:PORT");
  return std::unique_ptr<Backend>(std::make_unique<RemoteBackend>(host, port, timeout_ms, token));
}

// Without --url: the data dir itself, or the server that holds it and recorded its URL there.
Result<std::unique_ptr<Backend>> open_backend(const GlobalOptions& global, const SqlOptions& o) {
  if (!o.url.empty()) return remote_backend(o.url, o.timeout_ms);
  auto log = open_log(global, Access::kWriteOrCreate);
  if (!log.ok() && log.status().code() == StatusCode::kBusy) {
    OS_ASSIGN_OR_RETURN(
        std::unique_ptr<ServerClient> server,
        ServerClient::find(global.data_dir,
                           busy("the data dir " + global.data_dir +
                                " is in use (a running server?): send the statements to it with "
                                "--url http://HOST:PORT")));
    std::fprintf(stderr, "orderstream: the data dir %s is in use by the server at %s (pid %lld): running the statements there\n",
                 global.data_dir.c_str(), server->url().c_str(), static_cast<long long>(server->pid()));
    return remote_backend(server->url(), o.timeout_ms, server->token());
  }
  if (!log.ok()) return log.status();
  auto local = std::make_unique<LocalBackend>(std::move(*log));
  OS_RETURN_IF_ERROR(local->init());
  return std::unique_ptr<Backend>(std::move(local));
}

int sql_command(const GlobalOptions& global, const SqlOptions& o) {
  auto backend = open_backend(global, o);
  if (!backend.ok()) return report(backend.status());
  if (o.statements.empty()) return run_stdin(**backend);
  return report(run_text(**backend, o.statements));
}

}  // namespace

void add_sql_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto o = std::make_shared<SqlOptions>();
  CLI::App* cmd = app.add_subcommand("sql", "Run SQL statements (ksqlDB-flavoured); stdin when none given");
  cmd->add_option("statements", o->statements, "Statements, each ending with ';'");
  cmd->add_option("--url", o->url, "Send the statements to a running server, e.g. http://localhost:8080");
  cmd->add_option("--timeout-ms", o->timeout_ms, "With --url: how long a push query collects rows")
      ->check(CLI::Range(0, 300000));
  add_api_token_option(cmd);
  cmd->callback([o, &global, exit_code] { *exit_code = sql_command(global, *o); });
}

}  // namespace orderstream::cli
