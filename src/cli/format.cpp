#include "cli/format.h"

#include "common/json_string.h"

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

void append_json_record(std::string_view topic, int32_t partition, const log::RecordView& r,
                        std::string* out) {
  auto nullable = [&](const std::optional<std::string_view>& b) {
    if (b) append_json_string(*out, *b, NonUtf8::kLatin1);
    else out->append("null");
  };
  out->append("{\"topic\":");
  append_json_string(*out, topic, NonUtf8::kLatin1);
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
    append_json_string(*out, h.key, NonUtf8::kLatin1);
    out->push_back(',');
    if (h.value) append_json_string(*out, *h.value, NonUtf8::kLatin1);
    else out->append("null");
  }
  out->append("]}\n");
}

}  // namespace orderstream::cli
