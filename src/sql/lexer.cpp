#include "sql/lexer.h"

#include <cctype>

namespace orderstream::sql {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      Token t;
      t.pos = pos_;
      t.offset = i_;
      if (i_ >= in_.size()) {
        out.push_back(t);
        return out;
      }
      char c = in_[i_];
      if (is_ident_start(c)) {
        t.kind = TokenKind::kIdent;
        while (i_ < in_.size() && is_ident_char(in_[i_])) t.text.push_back(advance());
      } else if (is_digit(c) || (c == '.' && i_ + 1 < in_.size() && is_digit(in_[i_ + 1]))) {
        lex_number(&t);
      } else if (c == '\'' || c == '`') {
        OS_RETURN_IF_ERROR(lex_quoted(&t, c));
      } else {
        OS_RETURN_IF_ERROR(lex_symbol(&t));
      }
      out.push_back(std::move(t));
    }
  }

 private:
  char advance() {
    char c = in_[i_++];
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else {
      ++pos_.column;
    }
    return c;
  }

  void skip_space() {
    while (i_ < in_.size()) {
      if (std::isspace(static_cast<unsigned char>(in_[i_]))) {
        advance();
      } else if (in_.substr(i_, 2) == "--") {
        while (i_ < in_.size() && in_[i_] != '\n') advance();
      } else {
        return;
      }
    }
  }

  void lex_number(Token* t) {
    t->kind = TokenKind::kInteger;
    while (i_ < in_.size() && is_digit(in_[i_])) t->text.push_back(advance());
    if (i_ < in_.size() && in_[i_] == '.') {
      t->kind = TokenKind::kDecimal;
      t->text.push_back(advance());
      while (i_ < in_.size() && is_digit(in_[i_])) t->text.push_back(advance());
    }
    if (i_ < in_.size() && (in_[i_] == 'e' || in_[i_] == 'E')) {
      size_t j = i_ + 1;
      if (j < in_.size() && (in_[j] == '+' || in_[j] == '-')) ++j;
      if (j < in_.size() && is_digit(in_[j])) {
        t->kind = TokenKind::kDecimal;
        while (i_ < j) t->text.push_back(advance());
        while (i_ < in_.size() && is_digit(in_[i_])) t->text.push_back(advance());
      }
    }
  }

  Status lex_quoted(Token* t, char quote) {
    t->kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
    advance();
    while (true) {
      if (i_ >= in_.size())
        return invalid_argument(t->pos.to_string() + ": unterminated " +
                                (quote == '\'' ? "string literal" : "quoted identifier"));
      char c = advance();
      if (c == quote) {
        if (i_ < in_.size() && in_[i_] == quote) {
          t->text.push_back(advance());  // doubled quote
          continue;
        }
        return Status::ok();
      }
      t->text.push_back(c);
    }
  }

  Status lex_symbol(Token* t) {
    t->kind = TokenKind::kSymbol;
    static constexpr std::string_view kTwo[] = {"!=", "<>", "<=", ">="};
    for (std::string_view two : kTwo) {
      if (in_.substr(i_, 2) == two) {
        t->text = std::string(two);
        advance();
        advance();
        return Status::ok();
      }
    }
    char c = in_[i_];
    if (std::string_view("(),.;*=<>+-/").find(c) == std::string_view::npos) {
      std::string shown = std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c)
                                                                       : "byte " + std::to_string(static_cast<unsigned char>(c));
      return invalid_argument(t->pos.to_string() + ": unexpected character '" + shown + "'");
    }
    t->text = std::string(1, advance());
    return Status::ok();
  }

  std::string_view in_;
  size_t i_ = 0;
  Pos pos_;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view input) { return Lexer(input).run(); }

}  // namespace orderstream::sql
