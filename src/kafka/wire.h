// Kafka's wire primitives (the protocol guide's "Protocol Primitive Types", non-flexible
// versions): big-endian integers, zig-zag varints, length-prefixed strings, bytes and arrays.
// A Reader never reads past its input: the first short or malformed field sets an error that
// every later read keeps returning zeros for, so a decoder reads its fields straight through and
// checks ok() once at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::kafka {

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  explicit Reader(std::string&&) = delete;  // it would read a dead temporary
  int8_t i8();
  int16_t i16();
  int32_t i32();
  int64_t i64();
  uint32_t u32();
  bool boolean() { return i8() != 0; }
  int32_t varint();  // zig-zag, as in record batches
  int64_t varlong();
  std::string_view string();                    // INT16 length; -1 is an error here
  std::optional<std::string_view> nullable_string();
  std::optional<std::string_view> nullable_bytes();  // INT32 length, -1 = null
  // An array's INT32 length: -1 (null) as nullopt; beyond what the rest of the input could hold
  // (at least min_item_bytes each) is an error, so a hostile length never drives an allocation.
  std::optional<int32_t> array_length(size_t min_item_bytes = 1);
  std::string_view raw(size_t n);  // the next n bytes
  std::string_view rest() const { return in_.substr(pos_); }
  size_t remaining() const { return in_.size() - pos_; }
  bool ok() const { return error_.empty(); }
  // OK, or InvalidArgument naming the first field that did not fit.
  Status status() const;
  void fail(const char* what);

 private:
  bool take(size_t n, const char* what);
  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

class Writer {
 public:
  void i8(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void i16(int16_t v);
  void i32(int32_t v);
  void i64(int64_t v);
  void u32(uint32_t v);
  void boolean(bool v) { i8(v ? 1 : 0); }
  void varint(int32_t v);
  void varlong(int64_t v);
  void string(std::string_view s);  // REQUIRES: s.size() <= INT16_MAX
  void nullable_string(const std::optional<std::string_view>& s);
  void nullable_bytes(const std::optional<std::string_view>& b);
  void array_length(int32_t n) { i32(n); }
  void raw(std::string_view b) { out_.append(b); }
  // Overwrites 4 bytes at `at` (a length written before its content was known).
  void patch_i32(size_t at, int32_t v);
  size_t size() const { return out_.size(); }
  void reserve(size_t n) { out_.reserve(n); }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace orderstream::kafka
