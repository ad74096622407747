// Runs the SQL test suite in files (tests/sql/cases/*.sql) against a real Log in a temp dir and an
// Engine whose persistent queries are stepped on the test thread. The record timestamps written
// in a case are its virtual clock. Format (one case per file; see cases/README.md):
//   CREATE ...;                      SQL; consecutive SQL lines run as one script
//   --! error: <text>                the next statement must fail with a message containing <text>
//   > <topic> <key|-> <ts> <json|->  append an input record ('-' key: none, '-' value: tombstone)
//   < <topic> <key|-> <ts> <json|->  expect this output record (checked at the next '--! check',
//                                    restart or end of file; per key in order, keys in any order)
//   = [v1, v2, ...]                  expect this row from the last pull query (in order)
//   = none                           expect the last pull query to have returned no rows
//   --! restart                      reopen the log and the engine, as after a crash or restart
//   --! check                        compare the expected outputs so far
// Header-only: tests/CMakeLists.txt builds only *_test.cpp files into a module's binary.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "log/log.h"
#include "services/topics.h"
#include "sql/engine.h"
#include "sql/parser.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

namespace orderstream::test {

namespace {

struct Rec {
  std::string key, ts, value;  // "-" for none
  int line;
};

class CaseRun {
 public:
  explicit CaseRun(std::string path) : path_(std::move(path)) {}

  void run() {
    std::ifstream in(path_);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path_);
    open();
    std::string line, sql;
    int line_no = 0, sql_line = 0;
    auto flush_sql = [&] {
      if (sql.find_first_not_of(" \t\n") != std::string::npos) run_sql(sql, sql_line);
      sql.clear();
    };
    while (std::getline(in, line)) {
      ++line_no;
      bool directive = line.rfind("--!", 0) == 0 || line.rfind("> ", 0) == 0 ||
                       line.rfind("< ", 0) == 0 || line.rfind("= ", 0) == 0;
      if (!directive) {
        if (sql.empty()) sql_line = line_no;
        sql += line + "\n";
        continue;
      }
      flush_sql();
      if (line.rfind("--! error:", 0) == 0) {
        expected_error_ = trim(line.substr(10));
      } else if (line == "--! restart") {
        check_outputs();
        reopen();
      } else if (line == "--! check") {
        check_outputs();
      } else if (line.rfind("--!", 0) == 0) {
        // a comment for the reader (e.g. "--! name: ...")
      } else if (line[0] == '>') {
        append(line.substr(2), line_no);
      } else if (line[0] == '<') {
        expect(line.substr(2), line_no);
      } else {
        expect_row(trim(line.substr(2)), line_no);
      }
    }
    flush_sql();
    check_outputs();
    engine_.reset();
  }

 private:
  static std::string trim(std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t\r") + 1);
    return s;
  }
  std::string where(int line) const { return path_ + ":" + std::to_string(line); }

  void open() {
    log::LogOptions o;
    o.dir = dir_.file("data");
    o.create_if_missing = true;
    auto opened = log::Log::open(o);
    REQUIRE_OK(opened);
    log_ = std::move(*opened);
    // The product's topics exist on a server; create them as serve would.
    namespace t = services::topics;
    for (const char* name : {t::kOrders, t::kOrderValidations, t::kPayments, t::kCustomers, t::kWarehouseInventory}) {
      if (log_->topic(name).ok()) continue;
      log::TopicConfig c;
      if (std::string(name) == t::kCustomers || std::string(name) == t::kWarehouseInventory)
        c.cleanup_policy = log::CleanupPolicy::kCompact;
      REQUIRE_OK(log_->create_topic(name, kPartitions, c));
    }
    auto engine = sql::Engine::open(*log_, {.partitions = kPartitions, .mode = sql::QueryMode::kManual, .owned_topic = {}});
    REQUIRE_OK(engine);
    engine_ = std::move(*engine);
  }
  void reopen() {
    engine_.reset();
    log_.reset();
    open();
  }

  // Runs a block's statements one by one; an expected error applies to the first one.
  void run_sql(const std::string& sql, int line) {
    REQUIRE_OK(engine_->run_until_idle());
    auto parsed = sql::parse_statements(sql);
    if (!parsed.ok()) return check_result(parsed.status(), line);
    for (const sql::Statement& st : *parsed) {
      auto r = engine_->execute(st, &props_);
      check_result(r.status(), line + st.pos.line - 1);
      if (!r.ok()) continue;
      rows_.clear();
      row_index_ = 0;
      for (const auto& row : r->rows) {
        if (r->kind != sql::ResultKind::kRows) break;
        std::string text = "[";
        for (size_t i = 0; i < row.size(); ++i) text += (i ? ", " : "") + row[i].to_json();
        rows_.push_back(text + "]");
      }
    }
  }

  void check_result(const Status& st, int line) {
    if (expected_error_.empty()) {
      CHECK_MESSAGE(st.is_ok(), where(line) << ": " << st.to_string());
      return;
    }
    CHECK_MESSAGE(!st.is_ok(), where(line) << ": expected an error containing '" << expected_error_ << "'");
    if (!st.is_ok())
      CHECK_MESSAGE(st.message().find(expected_error_) != std::string::npos,
                    where(line) << ": error '" << st.message() << "' does not contain '" << expected_error_ << "'");
    expected_error_.clear();
  }

  static std::vector<std::string> split3(const std::string& s) {
    std::vector<std::string> parts;
    size_t pos = 0;
    for (int i = 0; i < 3; ++i) {
      size_t sp = s.find(' ', pos);
      parts.push_back(s.substr(pos, sp - pos));
      pos = sp == std::string::npos ? s.size() : sp + 1;
    }
    parts.push_back(trim(s.substr(pos)));
    return parts;
  }

  void append(const std::string& spec, int line) {
    auto p = split3(spec);
    log::RecordData r;
    if (p[1] != "-") r.key = p[1];
    if (p[3] != "-") r.value = p[3];
    r.timestamp_ms = std::stoll(p[2]);
    auto appended = log_->append(p[0], std::nullopt, std::span<const log::RecordData>(&r, 1));
    CHECK_MESSAGE(appended.ok(), where(line) << ": " << appended.status().to_string());
  }

  void expect(const std::string& spec, int line) {
    auto p = split3(spec);
    expected_[p[0]][p[1]].push_back({p[1], p[2], p[3], line});
    if (!read_from_.count(p[0])) read_from_[p[0]];  // start reading the topic where it is now
  }

  void expect_row(const std::string& row, int line) {
    if (row == "none") {
      CHECK_MESSAGE(rows_.empty(), where(line) << ": expected no rows but got " << rows_.size());
      return;
    }
    CHECK_MESSAGE(row_index_ < rows_.size(), where(line) << ": expected row " << row << " but the query returned "
                                                         << rows_.size() << " rows");
    if (row_index_ < rows_.size()) CHECK_MESSAGE(rows_[row_index_] == row, where(line) << ": row " << rows_[row_index_]);
    ++row_index_;
  }

  void check_outputs() {
    REQUIRE_OK(engine_->run_until_idle());
    for (auto& [topic, by_key] : expected_) {
      std::map<std::string, std::vector<Rec>> actual;
      auto info = log_->topic(topic);
      CHECK_MESSAGE(info.ok(), path_ << ": output topic " << topic << " does not exist");
      if (!info.ok()) continue;
      auto view = log_->read_view();
      REQUIRE_OK(view);
      auto& from = read_from_[topic];
      from.resize(info->partitions, Offset(0));
      for (int32_t p = 0; p < info->partitions; ++p) {
        auto next = view->scan({topic, PartitionId(p)}, from[p], SIZE_MAX, [&](const log::RecordView& r) {
          std::string key = r.key ? std::string(*r.key) : "-";
          actual[key].push_back({key, std::to_string(r.timestamp_ms), r.value ? std::string(*r.value) : "-", 0});
          return true;
        });
        REQUIRE_OK(next);
        from[p] = *next;
      }
      for (auto& [key, want] : by_key) {
        auto& got = actual[key];
        for (size_t i = 0; i < want.size(); ++i) {
          std::string w = want[i].ts + " " + want[i].value;
          std::string g = i < got.size() ? got[i].ts + " " + got[i].value : "(nothing)";
          CHECK_MESSAGE(w == g, where(want[i].line) << ": " << topic << " key " << key << " record " << i + 1
                                                    << "\n  expected: " << w << "\n  actual:   " << g);
        }
        for (size_t i = want.size(); i < got.size(); ++i)
          FAIL_CHECK(path_ << ": unexpected " << topic << " record key " << key << ": " << got[i].ts << " "
                           << got[i].value);
        actual.erase(key);
      }
      for (auto& [key, got] : actual)
        for (const Rec& g : got)
          FAIL_CHECK(path_ << ": unexpected " << topic << " record key " << key << ": " << g.ts << " " << g.value);
    }
    expected_.clear();
  }

  static constexpr int32_t kPartitions = 3;
  std::string path_;
  TempDir dir_{"os-sql-case"};
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<sql::Engine> engine_;
  sql::QueryProperties props_;
  std::string expected_error_;
  std::map<std::string, std::map<std::string, std::vector<Rec>>> expected_;
  std::map<std::string, std::vector<Offset>> read_from_;
  std::vector<std::string> rows_;
  size_t row_index_ = 0;
};

}  // namespace

// Runs one case file, reporting each failed expectation through doctest with file:line.
inline void run_sql_case(const std::string& path) { CaseRun(path).run(); }

}  // namespace orderstream::test
