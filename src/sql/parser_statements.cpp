// Statement grammar of the Parser (parser_impl.h): CREATE, SELECT with its clauses, SHOW,
// DESCRIBE, DROP, TERMINATE, SET. Expressions are parsed in parser_expressions.cpp.
#include "sql/parser_impl.h"

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "sql/parser.h"
#include "sql/value.h"

namespace orderstream::sql {

Result<std::vector<Statement>> Parser::statements() {
  std::vector<Statement> out;
  while (true) {
    while (is_symbol(";")) ++i_;
    if (peek().kind == TokenKind::kEnd) return out;
    size_t start = peek().offset;
    auto st = statement();
    if (!st.ok()) return st.status();
    if (!is_symbol(";") && peek().kind != TokenKind::kEnd)
      return error("expected ';' or end of input");
    st->text = std::string(text_.substr(start, peek().offset - start));
    while (!st->text.empty() && std::isspace(static_cast<unsigned char>(st->text.back())))
      st->text.pop_back();
    out.push_back(std::move(*st));
  }
}

Result<Statement> Parser::statement() {
  Statement st;
  st.pos = peek().pos;
  if (accept_word("CREATE")) {
    OS_RETURN_IF_ERROR(create(&st));
  } else if (is_word("SELECT")) {
    st.kind = StatementKind::kSelect;
    OS_ASSIGN_OR_RETURN(st.select, select());
  } else if (accept_word("SHOW") || accept_word("LIST")) {
    st.kind = StatementKind::kShow;
    if (accept_word("STREAMS")) st.show = ShowWhat::kStreams;
    else if (accept_word("TABLES")) st.show = ShowWhat::kTables;
    else if (accept_word("QUERIES")) st.show = ShowWhat::kQueries;
    else return error("expected STREAMS, TABLES or QUERIES");
  } else if (accept_word("DESCRIBE") || accept_word("DESC")) {
    st.kind = StatementKind::kDescribe;
    OS_ASSIGN_OR_RETURN(st.name, name("a stream or table name"));
    accept_word("EXTENDED");
  } else if (accept_word("DROP")) {
    st.kind = StatementKind::kDrop;
    OS_RETURN_IF_ERROR(stream_or_table(&st));
    if (accept_word("IF")) {
      OS_RETURN_IF_ERROR(expect_word("EXISTS"));
      st.if_exists = true;
    }
    OS_ASSIGN_OR_RETURN(st.name, name("a stream or table name"));
  } else if (accept_word("TERMINATE")) {
    st.kind = StatementKind::kTerminate;
    OS_ASSIGN_OR_RETURN(st.name, name("a query id"));
  } else if (accept_word("SET")) {
    st.kind = StatementKind::kSet;
    if (peek().kind != TokenKind::kString) return error("expected a quoted property name");
    st.name = t_[i_++].text;
    OS_RETURN_IF_ERROR(expect_symbol("="));
    if (peek().kind != TokenKind::kString) return error("expected a quoted property value");
    st.set_value = t_[i_++].text;
  } else {
    return error("expected CREATE, SELECT, SHOW, DESCRIBE, DROP, TERMINATE or SET");
  }
  return st;
}

Status Parser::stream_or_table(Statement* st) {
  if (accept_word("STREAM")) st->is_table = false;
  else if (accept_word("TABLE")) st->is_table = true;
  else return error("expected STREAM or TABLE");
  return Status::ok();
}

// CREATE STREAM|TABLE [IF NOT EXISTS] name { (columns) WITH (...) | [WITH (...)] AS SELECT }.
Status Parser::create(Statement* st) {
  OS_RETURN_IF_ERROR(stream_or_table(st));
  if (accept_word("IF")) {
    OS_RETURN_IF_ERROR(expect_word("NOT"));
    OS_RETURN_IF_ERROR(expect_word("EXISTS"));
    st->if_not_exists = true;
  }
  OS_ASSIGN_OR_RETURN(st->name, name(st->is_table ? "a table name" : "a stream name"));
  if (accept_symbol("(")) {
    st->kind = StatementKind::kCreateSource;
    do {
      OS_RETURN_IF_ERROR(column_def(st));
    } while (accept_symbol(","));
    OS_RETURN_IF_ERROR(expect_symbol(")"));
    // A source declared with columns must say which topic holds it.
    if (!is_word("WITH")) return error("expected WITH (KAFKA_TOPIC='...', VALUE_FORMAT='JSON')");
  }
  if (accept_word("WITH")) OS_RETURN_IF_ERROR(properties(st));
  if (st->kind == StatementKind::kCreateSource) return Status::ok();
  st->kind = StatementKind::kCreateAs;
  if (!accept_word("AS")) return error("expected '(' with columns, WITH or AS SELECT");
  if (!is_word("SELECT")) return error("expected SELECT");
  OS_ASSIGN_OR_RETURN(st->select, select());
  return Status::ok();
}

Status Parser::column_def(Statement* st) {
  ColumnDef c;
  c.pos = peek().pos;
  OS_ASSIGN_OR_RETURN(c.name, name("a column name"));
  const Token& type = peek();
  auto t = type.kind == TokenKind::kIdent ? parse_type(type.text) : std::nullopt;
  if (!t) return error("expected a type (BIGINT, INT, DOUBLE, VARCHAR, BOOLEAN)");
  ++i_;
  c.type = *t;
  if (accept_word("PRIMARY")) {
    OS_RETURN_IF_ERROR(expect_word("KEY"));
    c.key = true;
  } else if (accept_word("KEY")) {
    c.key = true;
  }
  // Column names match case-insensitively everywhere (binder, row_codec), so do duplicates.
  for (const ColumnDef& other : st->columns)
    if (upper_name(other.name) == upper_name(c.name))
      return invalid_argument(c.pos.to_string() + ": duplicate column '" + c.name + "'");
  st->columns.push_back(std::move(c));
  return Status::ok();
}

Status Parser::properties(Statement* st) {
  OS_RETURN_IF_ERROR(expect_symbol("("));
  do {
    const Token& k = peek();
    if (k.kind != TokenKind::kIdent) return error("expected a property name");
    ++i_;
    OS_RETURN_IF_ERROR(expect_symbol("="));
    const Token& v = peek();
    if (v.kind != TokenKind::kString && v.kind != TokenKind::kInteger && v.kind != TokenKind::kIdent)
      return error("expected a property value");
    ++i_;
    st->with[upper_name(k.text)] = v.text;
  } while (accept_symbol(","));
  return expect_symbol(")");
}

Result<std::shared_ptr<Select>> Parser::select() {
  auto s = std::make_shared<Select>();
  s->pos = peek().pos;
  OS_RETURN_IF_ERROR(expect_word("SELECT"));
  do {
    SelectItem item;
    item.pos = peek().pos;
    if (accept_symbol("*")) {
    } else if ((peek().kind == TokenKind::kIdent || peek().kind == TokenKind::kQuotedIdent) &&
               is_symbol(".", 1) && is_symbol("*", 2)) {
      item.star_qualifier = peek().text;
      i_ += 3;
    } else {
      OS_ASSIGN_OR_RETURN(item.expr, expr());
      if (accept_word("AS")) {
        OS_ASSIGN_OR_RETURN(item.alias, name("an alias"));
      } else if (peek().kind == TokenKind::kQuotedIdent || is_unreserved_ident()) {
        item.alias = t_[i_++].text;
      }
    }
    s->items.push_back(std::move(item));
  } while (accept_symbol(","));
  OS_RETURN_IF_ERROR(expect_word("FROM"));
  OS_ASSIGN_OR_RETURN(s->from, table_ref());
  bool left = false;
  if (accept_word("LEFT")) {
    left = true;
    accept_word("OUTER");
    if (!is_word("JOIN")) return error("expected JOIN");
  } else if (accept_word("INNER")) {
    if (!is_word("JOIN")) return error("expected JOIN");
  } else if (is_word("FULL") || is_word("RIGHT")) {
    return error("expected JOIN or LEFT JOIN (only inner and left stream-table joins are supported)");
  }
  if (accept_word("JOIN")) {
    JoinClause j;
    j.left = left;
    OS_ASSIGN_OR_RETURN(j.table, table_ref());
    OS_RETURN_IF_ERROR(expect_word("ON"));
    OS_ASSIGN_OR_RETURN(j.on, expr());
    s->join = std::move(j);
  }
  // ksqlDB puts WINDOW before WHERE; after it is accepted too, once.
  if (is_word("WINDOW")) OS_RETURN_IF_ERROR(window(s.get()));
  if (accept_word("WHERE")) {
    OS_ASSIGN_OR_RETURN(s->where, expr());
  }
  if (is_word("WINDOW") && !s->window) OS_RETURN_IF_ERROR(window(s.get()));
  if (accept_word("GROUP")) {
    OS_RETURN_IF_ERROR(expect_word("BY"));
    do {
      OS_ASSIGN_OR_RETURN(ExprPtr e, expr());
      s->group_by.push_back(std::move(e));
    } while (accept_symbol(","));
  }
  if (accept_word("HAVING")) {
    OS_ASSIGN_OR_RETURN(s->having, expr());
  }
  if (accept_word("PARTITION")) {
    OS_RETURN_IF_ERROR(expect_word("BY"));
    OS_ASSIGN_OR_RETURN(s->partition_by, expr());
  }
  if (accept_word("EMIT")) {
    OS_RETURN_IF_ERROR(expect_word("CHANGES"));
    s->emit_changes = true;
  }
  if (accept_word("LIMIT")) {
    const Token& at = peek();
    OS_ASSIGN_OR_RETURN(int64_t n, integer("a row count"));
    if (n <= 0) return error_at(at, "expected a positive LIMIT");
    s->limit = n;
  }
  return s;
}

// name [[AS] alias]. Unlike a select item, a bare `quoted` word after a source is not an alias.
Result<TableRef> Parser::table_ref() {
  TableRef r;
  r.pos = peek().pos;
  OS_ASSIGN_OR_RETURN(r.name, name("a stream or table name"));
  if (accept_word("AS")) {
    OS_ASSIGN_OR_RETURN(r.alias, name("an alias"));
  } else if (is_unreserved_ident()) {
    r.alias = t_[i_++].text;
  }
  return r;
}

// WINDOW TUMBLING (SIZE <duration> [, GRACE PERIOD <duration>]).
Status Parser::window(Select* s) {
  WindowSpec w;
  w.pos = peek().pos;
  OS_RETURN_IF_ERROR(expect_word("WINDOW"));
  if (!accept_word("TUMBLING")) return error("expected TUMBLING (the only window type supported)");
  OS_RETURN_IF_ERROR(expect_symbol("("));
  OS_RETURN_IF_ERROR(expect_word("SIZE"));
  OS_ASSIGN_OR_RETURN(w.size_ms, duration());
  if (w.size_ms <= 0) return invalid_argument(w.pos.to_string() + ": window SIZE must be positive");
  if (accept_symbol(",")) {
    OS_RETURN_IF_ERROR(expect_word("GRACE"));
    OS_RETURN_IF_ERROR(expect_word("PERIOD"));
    OS_ASSIGN_OR_RETURN(w.grace_ms, duration());
  }
  OS_RETURN_IF_ERROR(expect_symbol(")"));
  s->window = w;
  return Status::ok();
}

Result<int64_t> Parser::duration() {
  OS_ASSIGN_OR_RETURN(int64_t n, integer("a number"));
  int64_t unit = peek().kind == TokenKind::kIdent ? unit_ms(peek().text) : 0;
  if (unit == 0) return error("expected a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)");
  ++i_;
  if (n > INT64_MAX / unit) return error("duration is out of range");
  return n * unit;
}

}  // namespace orderstream::sql
