#include "kafka/wire.h"

#include <cstring>

namespace orderstream::kafka {

namespace {

template <class T>
T load_be(const char* p) {
  using U = std::make_unsigned_t<T>;
  U v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<U>((v << 8) | static_cast<unsigned char>(p[i]));
  return static_cast<T>(v);
}

template <class T>
void store_be(std::string& out, T value) {
  using U = std::make_unsigned_t<T>;
  U v = static_cast<U>(value);
  for (size_t i = sizeof(T); i-- > 0;) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

void Reader::fail(const char* what) {
  if (error_.empty()) error_ = std::string(what) + " at byte " + std::to_string(pos_);
}

bool Reader::take(size_t n, const char* what) {
  if (!ok()) return false;
  if (n > remaining()) {
    fail(what);
    return false;
  }
  return true;
}

Status Reader::status() const { return ok() ? Status::ok() : invalid_argument("malformed request: " + error_); }

#define OS_KAFKA_READ_BE(name, T)                           \
  T Reader::name() {                                         \
    if (!take(sizeof(T), #name " past the end")) return 0;   \
    T v = load_be<T>(in_.data() + pos_);                     \
    pos_ += sizeof(T);                                       \
    return v;                                                \
  }
OS_KAFKA_READ_BE(i16, int16_t)
OS_KAFKA_READ_BE(i32, int32_t)
OS_KAFKA_READ_BE(i64, int64_t)
OS_KAFKA_READ_BE(u32, uint32_t)
#undef OS_KAFKA_READ_BE

int8_t Reader::i8() {
  if (!take(1, "int8 past the end")) return 0;
  return static_cast<int8_t>(in_[pos_++]);
}

int64_t Reader::varlong() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!take(1, "varint past the end")) return 0;
    auto b = static_cast<unsigned char>(in_[pos_++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  fail("varint longer than 10 bytes");
  return 0;
}

int32_t Reader::varint() {
  int64_t v = varlong();
  if (v < INT32_MIN || v > INT32_MAX) {
    fail("varint out of range");
    return 0;
  }
  return static_cast<int32_t>(v);
}

std::string_view Reader::raw(size_t n) {
  if (!take(n, "field past the end")) return {};
  std::string_view v = in_.substr(pos_, n);
  pos_ += n;
  return v;
}

std::optional<std::string_view> Reader::nullable_string() {
  int16_t n = i16();
  if (n < -1) fail("negative string length");
  if (n < 0 || !ok()) return std::nullopt;
  return raw(static_cast<size_t>(n));
}

std::string_view Reader::string() {
  auto s = nullable_string();
  if (!s && ok()) fail("null where a string is required");
  return s.value_or(std::string_view());
}

std::optional<std::string_view> Reader::nullable_bytes() {
  int32_t n = i32();
  if (n < -1) fail("negative bytes length");
  if (n < 0 || !ok()) return std::nullopt;
  return raw(static_cast<size_t>(n));
}

std::optional<int32_t> Reader::array_length(size_t min_item_bytes) {
  int32_t n = i32();
  if (!ok()) return 0;
  if (n == -1) return std::nullopt;
  if (n < 0 || static_cast<uint64_t>(n) * std::max<size_t>(min_item_bytes, 1) > remaining()) {
    fail("array length beyond the request");
    return 0;
  }
  return n;
}

void Writer::i16(int16_t v) { store_be(out_, v); }
void Writer::i32(int32_t v) { store_be(out_, v); }
void Writer::i64(int64_t v) { store_be(out_, v); }
void Writer::u32(uint32_t v) { store_be(out_, v); }

void Writer::varlong(int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::varint(int32_t v) { varlong(v); }

void Writer::string(std::string_view s) {
  i16(static_cast<int16_t>(s.size()));
  out_.append(s);
}

void Writer::nullable_string(const std::optional<std::string_view>& s) {
  if (!s) return i16(-1);
  string(*s);
}

void Writer::nullable_bytes(const std::optional<std::string_view>& b) {
  if (!b) return i32(-1);
  i32(static_cast<int32_t>(b->size()));
  out_.append(*b);
}

void Writer::patch_i32(size_t at, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) out_[at + static_cast<size_t>(i)] = static_cast<char>((u >> (24 - 8 * i)) & 0xff);
}

}  // namespace orderstream::kafka
