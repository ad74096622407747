#include "cli/format.h"

namespace orderstream::cli {

Result<RecordFormat> RecordFormat::parse(std::string_view fmt) {
  RecordFormat f;
  auto literal = [&](char c) {
    if (f.pieces_.empty() || f.pieces_.back().token != 0) f.pieces_.push_back(Piece{});
    f.pieces_.back().text.push_back(c);
  };
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%' && c != '\\') {
      literal(c);
      continue;
    }
    if (i + 1 >= fmt.size())
      return invalid_argument(std::string("format ends with a lone '") + c + "'");
    char n = fmt[++i];
    if (c == '\\') {
      switch (n) {
        case 'n': literal('\n'); break;
        case 't': literal('\t'); break;
        case 'r': literal('\r'); break;
        case '\\': literal('\\'); break;
        default:
          return invalid_argument(std::string("unknown escape '\\") + n +
                                  "' in format (known: \\n \\t \\r \\\\)");
      }
      continue;
    }
    switch (n) {
      case '%': literal('%'); break;
      case 't': case 'p': case 'o': case 'k': case 's': case 'T': case 'h': case 'K': case 'S':
        f.pieces_.push_back(Piece{n, {}});
        break;
      default:
        return invalid_argument(std::string("unknown token '%") + n +
                                "' in format (known: %t %p %o %k %s %T %h %K %S %%)");
    }
  }
  return f;
}

void RecordFormat::append(std::string_view topic, int32_t partition, const log::RecordView& r,
                          std::string* out) const {
  auto len = [](const std::optional<std::string_view>& b) {
    return b ? std::to_string(b->size()) : std::string("-1");
  };
  for (const Piece& p : pieces_) {
    switch (p.token) {
      case 0: out->append(p.text); break;
      case 't': out->append(topic); break;
      case 'p': out->append(std::to_string(partition)); break;
      case 'o': out->append(std::to_string(r.offset.v)); break;
      case 'k': if (r.key) out->append(*r.key); break;
      case 's': if (r.value) out->append(*r.value); break;
      case 'T': out->append(std::to_string(r.timestamp_ms)); break;
      case 'K': out->append(len(r.key)); break;
      case 'S': out->append(len(r.value)); break;
      case 'h': {
        bool first = true;
        for (const log::Header& h : r.headers()) {
          if (!first) out->push_back(',');
          first = false;
          out->append(h.key);
          if (h.value) out->append("=").append(*h.value);
        }
        break;
      }
    }
  }
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if the bytes there are not one.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (b(i + k) & 0x3F);
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

}  // namespace

void append_json_string(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c >= 0x20 && c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    switch (c) {
      case '\n': out->append("\\n"); ++i; continue;
      case '\t': out->append("\\t"); ++i; continue;
      case '\r': out->append("\\r"); ++i; continue;
      case '\b': out->append("\\b"); ++i; continue;
      case '\f': out->append("\\f"); ++i; continue;
      default: break;
    }
    size_t n = c >= 0x80 ? utf8_sequence(s, i) : 0;
    if (n > 0) {
      out->append(s.substr(i, n));
      i += n;
    } else {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
      ++i;
    }
  }
  out->push_back('"');
}

void append_json_record(std::string_view topic, int32_t partition, const log::RecordView& r,
                        std::string* out) {
  auto nullable = [&](const std::optional<std::string_view>& b) {
    if (b) append_json_string(*b, out);
    else out->append("null");
  };
  out->append("{\"topic\":");
  append_json_string(topic, out);
  out->append(",\"partition\":").append(std::to_string(partition));
  out->append(",\"offset\":").append(std::to_string(r.offset.v));
  out->append(",\"ts\":").append(std::to_string(r.timestamp_ms));
  out->append(",\"key\":");
  nullable(r.key);
  out->append(",\"payload\":");
  nullable(r.value);
  out->append(",\"headers\":[");
  bool first = true;
  for (const log::Header& h : r.headers()) {
    if (!first) out->push_back(',');
    first = false;
    append_json_string(h.key, out);
    out->push_back(',');
    if (h.value) append_json_string(*h.value, out);
    else out->append("null");
  }
  out->append("]}\n");
}

}  // namespace orderstream::cli
