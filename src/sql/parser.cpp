#include "sql/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "sql/lexer.h"

namespace orderstream::sql {

namespace {

std::string upper(std::string_view s) { return upper_name(s); }

// Words that end an expression or a name, so they cannot be implicit aliases.
const std::set<std::string> kReserved = {
    "SELECT", "FROM", "WHERE", "JOIN",  "LEFT",  "INNER", "OUTER", "ON",    "WINDOW",
    "GROUP",  "BY",   "HAVING", "PARTITION", "EMIT", "LIMIT", "AND", "OR", "NOT",
    "IS",     "NULL", "LIKE",  "AS",    "TRUE",  "FALSE", "WITH",  "CREATE", "FULL"};

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), t_(std::move(tokens)) {}

  Result<std::vector<Statement>> statements() {
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

 private:
  // --- tokens
  const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  bool is_symbol(std::string_view s, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::kSymbol && peek(ahead).text == s;
  }
  bool is_word(std::string_view w, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::kIdent && upper(peek(ahead).text) == w;
  }
  bool accept_word(std::string_view w) {
    if (!is_word(w)) return false;
    ++i_;
    return true;
  }
  bool accept_symbol(std::string_view s) {
    if (!is_symbol(s)) return false;
    ++i_;
    return true;
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd: return "end of input";
      case TokenKind::kString: return "string '" + t.text + "'";
      case TokenKind::kQuotedIdent: return "`" + t.text + "`";
      default: return "'" + t.text + "'";
    }
  }
  Status error(std::string_view expected) const { return error_at(peek(), expected); }
  static Status error_at(const Token& t, std::string_view expected) {
    return invalid_argument(t.pos.to_string() + ": " + std::string(expected) + " but found " +
                            describe(t));
  }
  Status expect_word(std::string_view w) {
    if (accept_word(w)) return Status::ok();
    return error("expected " + std::string(w));
  }
  Status expect_symbol(std::string_view s) {
    if (accept_symbol(s)) return Status::ok();
    return error("expected '" + std::string(s) + "'");
  }
  Result<std::string> name(std::string_view what) {
    const Token& t = peek();
    if (t.kind == TokenKind::kQuotedIdent || (t.kind == TokenKind::kIdent && !kReserved.count(upper(t.text)))) {
      ++i_;
      return t.text;
    }
    return error("expected " + std::string(what));
  }
  Result<int64_t> integer(std::string_view what) {
    const Token& t = peek();
    int64_t v = 0;
    if (t.kind == TokenKind::kInteger) {
      auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
      if (ec == std::errc() && p == t.text.data() + t.text.size()) {
        ++i_;
        return v;
      }
      return invalid_argument(t.pos.to_string() + ": integer " + t.text + " is out of range");
    }
    return error("expected " + std::string(what));
  }

  // --- statements
  Result<Statement> statement() {
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

  Status stream_or_table(Statement* st) {
    if (accept_word("STREAM")) st->is_table = false;
    else if (accept_word("TABLE")) st->is_table = true;
    else return error("expected STREAM or TABLE");
    return Status::ok();
  }

  Status create(Statement* st) {
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

  Status column_def(Statement* st) {
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
    for (const ColumnDef& other : st->columns)
      if (upper(other.name) == upper(c.name))
        return invalid_argument(c.pos.to_string() + ": duplicate column '" + c.name + "'");
    st->columns.push_back(std::move(c));
    return Status::ok();
  }

  Status properties(Statement* st) {
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
      st->with[upper(k.text)] = v.text;
    } while (accept_symbol(","));
    return expect_symbol(")");
  }

  // --- SELECT
  Result<std::shared_ptr<Select>> select() {
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
        } else if (peek().kind == TokenKind::kQuotedIdent ||
                   (peek().kind == TokenKind::kIdent && !kReserved.count(upper(peek().text)))) {
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

  Result<TableRef> table_ref() {
    TableRef r;
    r.pos = peek().pos;
    OS_ASSIGN_OR_RETURN(r.name, name("a stream or table name"));
    if (accept_word("AS")) {
      OS_ASSIGN_OR_RETURN(r.alias, name("an alias"));
    } else if (peek().kind == TokenKind::kIdent && !kReserved.count(upper(peek().text))) {
      r.alias = t_[i_++].text;
    }
    return r;
  }

  Status window(Select* s) {
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

  Result<int64_t> duration() {
    OS_ASSIGN_OR_RETURN(int64_t n, integer("a number"));
    int64_t unit = peek().kind == TokenKind::kIdent ? unit_ms(peek().text) : 0;
    if (unit == 0) return error("expected a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)");
    ++i_;
    if (n > INT64_MAX / unit) return error("duration is out of range");
    return n * unit;
  }

  // --- expressions, lowest precedence first
  Result<ExprPtr> expr() { return or_expr(); }

  static ExprPtr make(ExprKind kind, Pos pos) {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }
  static ExprPtr binary(std::string op, Pos pos, ExprPtr a, ExprPtr b) {
    ExprPtr e = make(ExprKind::kBinary, pos);
    e->op = std::move(op);
    e->args = {std::move(a), std::move(b)};
    return e;
  }

  Result<ExprPtr> or_expr() {
    OS_ASSIGN_OR_RETURN(ExprPtr left, and_expr());
    while (is_word("OR")) {
      Pos pos = t_[i_++].pos;
      OS_ASSIGN_OR_RETURN(ExprPtr right, and_expr());
      left = binary("OR", pos, std::move(left), std::move(right));
    }
    return left;
  }
  Result<ExprPtr> and_expr() {
    OS_ASSIGN_OR_RETURN(ExprPtr left, not_expr());
    while (is_word("AND")) {
      Pos pos = t_[i_++].pos;
      OS_ASSIGN_OR_RETURN(ExprPtr right, not_expr());
      left = binary("AND", pos, std::move(left), std::move(right));
    }
    return left;
  }
  Result<ExprPtr> not_expr() {
    if (is_word("NOT")) {
      ExprPtr e = make(ExprKind::kUnary, t_[i_++].pos);
      e->op = "NOT";
      OS_ASSIGN_OR_RETURN(ExprPtr arg, not_expr());
      e->args = {std::move(arg)};
      return e;
    }
    return comparison();
  }
  Result<ExprPtr> comparison() {
    OS_ASSIGN_OR_RETURN(ExprPtr left, additive());
    static constexpr std::string_view kOps[] = {"=", "!=", "<>", "<", "<=", ">", ">="};
    for (std::string_view op : kOps) {
      if (is_symbol(op)) {
        Pos pos = t_[i_++].pos;
        OS_ASSIGN_OR_RETURN(ExprPtr right, additive());
        return binary(op == "<>" ? "!=" : std::string(op), pos, std::move(left), std::move(right));
      }
    }
    if (is_word("IS")) {
      ExprPtr e = make(ExprKind::kIsNull, t_[i_++].pos);
      e->negated = accept_word("NOT");
      OS_RETURN_IF_ERROR(expect_word("NULL"));
      e->args = {std::move(left)};
      return e;
    }
    if (is_word("LIKE") || (is_word("NOT") && is_word("LIKE", 1))) {
      ExprPtr e = make(ExprKind::kLike, peek().pos);
      e->negated = accept_word("NOT");
      ++i_;
      OS_ASSIGN_OR_RETURN(ExprPtr pattern, additive());
      e->args = {std::move(left), std::move(pattern)};
      return e;
    }
    return left;
  }
  Result<ExprPtr> additive() {
    OS_ASSIGN_OR_RETURN(ExprPtr left, multiplicative());
    while (is_symbol("+") || is_symbol("-")) {
      const Token& op = t_[i_++];
      OS_ASSIGN_OR_RETURN(ExprPtr right, multiplicative());
      left = binary(op.text, op.pos, std::move(left), std::move(right));
    }
    return left;
  }
  Result<ExprPtr> multiplicative() {
    OS_ASSIGN_OR_RETURN(ExprPtr left, unary());
    while (is_symbol("*") || is_symbol("/")) {
      const Token& op = t_[i_++];
      OS_ASSIGN_OR_RETURN(ExprPtr right, unary());
      left = binary(op.text, op.pos, std::move(left), std::move(right));
    }
    return left;
  }
  Result<ExprPtr> unary() {
    if (is_symbol("-")) {
      ExprPtr e = make(ExprKind::kUnary, t_[i_++].pos);
      e->op = "-";
      OS_ASSIGN_OR_RETURN(ExprPtr arg, unary());
      e->args = {std::move(arg)};
      return e;
    }
    return primary();
  }
  Result<ExprPtr> primary() {
    const Token& t = peek();
    if (accept_symbol("(")) {
      OS_ASSIGN_OR_RETURN(ExprPtr e, expr());
      OS_RETURN_IF_ERROR(expect_symbol(")"));
      return e;
    }
    ExprPtr e = make(ExprKind::kLiteral, t.pos);
    switch (t.kind) {
      case TokenKind::kString:
        ++i_;
        e->literal = Value::string(t.text);
        return e;
      case TokenKind::kInteger: {
        OS_ASSIGN_OR_RETURN(int64_t v, integer("a number"));
        e->literal = Value::integer(v);
        return e;
      }
      case TokenKind::kDecimal: {
        double v = 0;
        std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        ++i_;
        e->literal = Value::real(v);
        return e;
      }
      case TokenKind::kIdent:
      case TokenKind::kQuotedIdent:
        return identifier();
      default:
        return error("expected an expression");
    }
  }
  Result<ExprPtr> identifier() {
    const Token& t = peek();
    std::string word = upper(t.text);
    if (t.kind == TokenKind::kIdent) {
      if (word == "TRUE" || word == "FALSE" || word == "NULL") {
        ++i_;
        ExprPtr e = make(ExprKind::kLiteral, t.pos);
        if (word != "NULL") e->literal = Value::boolean(word == "TRUE");
        return e;
      }
      if (is_symbol("(", 1)) {
        i_ += 2;
        ExprPtr e = make(ExprKind::kCall, t.pos);
        e->name = word;
        if (accept_symbol("*")) {
          e->star = true;
        } else if (!is_symbol(")")) {
          do {
            OS_ASSIGN_OR_RETURN(ExprPtr arg, expr());
            e->args.push_back(std::move(arg));
          } while (accept_symbol(","));
        }
        OS_RETURN_IF_ERROR(expect_symbol(")"));
        return e;
      }
      if (kReserved.count(word)) return error("expected an expression");
    }
    ExprPtr e = make(ExprKind::kColumn, t.pos);
    e->name = t_[i_++].text;
    if (accept_symbol(".")) {
      e->qualifier = std::move(e->name);
      OS_ASSIGN_OR_RETURN(e->name, name("a column name"));
    }
    return e;
  }

  std::string_view text_;
  std::vector<Token> t_;
  size_t i_ = 0;
};

}  // namespace

int64_t unit_ms(std::string_view unit) {
  std::string u = upper(unit);
  if (!u.empty() && u.back() == 'S') u.pop_back();
  if (u == "MILLISECOND") return 1;
  if (u == "SECOND") return 1000;
  if (u == "MINUTE") return 60 * 1000;
  if (u == "HOUR") return 3600 * 1000;
  if (u == "DAY") return 24 * 3600 * 1000LL;
  return 0;
}

Result<std::vector<Statement>> parse_statements(std::string_view text) {
  OS_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(text));
  return Parser(text, std::move(tokens)).statements();
}

Result<Statement> parse_statement(std::string_view text) {
  OS_ASSIGN_OR_RETURN(std::vector<Statement> all, parse_statements(text));
  if (all.empty()) return invalid_argument("no statement given");
  if (all.size() > 1)
    return invalid_argument(all[1].pos.to_string() + ": expected one statement but found " +
                            std::to_string(all.size()));
  return std::move(all[0]);
}

}  // namespace orderstream::sql
