// kcat-style record formatting for `consume`: the -f format tokens and the -J JSON line.
// Pure functions over borrowed records; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "log/record.h"

namespace orderstream::cli {

// A parsed --format string. Tokens: %t topic, %p partition, %o offset, %k key, %s payload,
// %T timestamp (ms), %h headers (k=v,k2=v2), %K key length, %S payload length (-1 when null),
// %% a percent sign; escapes \n \t \r \\ .
class RecordFormat {
 public:
  // InvalidArgument names an unknown token or escape.
  static Result<RecordFormat> parse(std::string_view fmt);
  // Appends the formatted record to *out.
  void append(std::string_view topic, int32_t partition, const log::RecordView& r,
              std::string* out) const;

 private:
  // Each piece is literal text or (when token != 0) one token.
  struct Piece {
    char token = 0;
    std::string text;
  };
  std::vector<Piece> pieces_;
};

// Appends one JSON object line: {"topic","partition","offset","ts","key","payload","headers"},
// null key/payload as null, headers as kcat's flat array ["k1","v1","k2",null,...]. Bytes that
// are not valid UTF-8 are written as \u00XX (their Latin-1 reading), so their values stay visible.
void append_json_record(std::string_view topic, int32_t partition, const log::RecordView& r,
                        std::string* out);

}  // namespace orderstream::cli
