#include "log/record.h"

#include <cstring>

#include "common/check.h"
#include "log/coding.h"
#include "common/crc32c.h"
#include "log/record_format.h"

namespace orderstream::log {
namespace {

// Reads a nullable length-prefixed field; false if it runs past the end.
bool get_bytes(std::string_view* in, std::optional<std::string_view>* b) {
  if (in->size() < 4) return false;
  int32_t len = static_cast<int32_t>(decode_fixed32_le(in->data()));
  in->remove_prefix(4);
  if (len == format::kNullLength) {
    b->reset();
    return true;
  }
  if (len < 0 || static_cast<size_t>(len) > in->size()) return false;
  *b = in->substr(0, static_cast<size_t>(len));
  in->remove_prefix(static_cast<size_t>(len));
  return true;
}

uint32_t record_crc(Offset offset, std::string_view after_crc) {
  char key[8];
  encode_fixed64_be(key, static_cast<uint64_t>(offset.v));
  uint32_t crc = crc32c_extend(0, key, 8);
  return crc32c_extend(crc, after_crc.data(), after_crc.size());
}

Status bad(Offset offset, const std::string& what) {
  return corruption("record at offset " + std::to_string(offset.v) + ": " + what);
}

}  // namespace

size_t encoded_size(const RecordData& r) {
  size_t n = format::kHeaderSize + 8 + 4 + (r.key ? r.key->size() : 0) + 4 +
             (r.value ? r.value->size() : 0) + 4;
  for (const Header& h : r.headers) n += 4 + h.key.size() + 4 + (h.value ? h.value->size() : 0);
  return n;
}

namespace {

char* put_fixed32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
  return p + 4;
}

char* put_field(char* p, std::optional<std::string_view> b) {
  if (!b) return put_fixed32(p, static_cast<uint32_t>(format::kNullLength));
  p = put_fixed32(p, static_cast<uint32_t>(b->size()));
  if (!b->empty()) std::memcpy(p, b->data(), b->size());
  return p + b->size();
}

}  // namespace

void encode_record_to(Offset offset, int64_t timestamp_ms, const RecordData& r, char* out,
                      size_t size) {
  char* p = out + format::kHeaderSize;
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(static_cast<uint64_t>(timestamp_ms) >> (8 * i));
  p += 8;
  p = put_field(p, r.key);
  p = put_field(p, r.value);
  p = put_fixed32(p, static_cast<uint32_t>(r.headers.size()));
  for (const Header& h : r.headers) {
    p = put_field(p, std::string_view(h.key));
    p = put_field(p, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt);
  }
  OS_CHECK(static_cast<size_t>(p - out) == size);
  put_fixed32(out + format::kCrcSize, static_cast<uint32_t>(size - format::kHeaderSize));
  out[8] = static_cast<char>(format::kTypeFull);
  out[9] = static_cast<char>(format::kVersion);
  uint32_t crc = crc_mask(record_crc(offset, std::string_view(out + format::kCrcSize, size - format::kCrcSize)));
  put_fixed32(out, crc);
}

void encode_record(Offset offset, int64_t timestamp_ms, const RecordData& r, std::string* out) {
  size_t start = out->size(), size = encoded_size(r);
  out->resize(start + size);
  encode_record_to(offset, timestamp_ms, r, out->data() + start, size);
}

Status decode_record(Offset offset, std::string_view stored, RecordView* out) {
  if (stored.size() < format::kHeaderSize) return bad(offset, "shorter than its header");
  uint32_t stored_crc = crc_unmask(decode_fixed32_le(stored.data()));
  uint32_t payload_len = decode_fixed32_le(stored.data() + 4);
  if (payload_len != stored.size() - format::kHeaderSize)
    return bad(offset, "length field " + std::to_string(payload_len) + " but " +
                           std::to_string(stored.size() - format::kHeaderSize) + " payload bytes");
  if (record_crc(offset, stored.substr(format::kCrcSize)) != stored_crc)
    return bad(offset, "CRC mismatch");
  if (static_cast<uint8_t>(stored[8]) != format::kTypeFull)
    return bad(offset, "unknown record type " + std::to_string(static_cast<uint8_t>(stored[8])));
  if (static_cast<uint8_t>(stored[9]) != format::kVersion)
    return bad(offset, "unknown format version " + std::to_string(static_cast<uint8_t>(stored[9])));
  std::string_view in = stored.substr(format::kHeaderSize);
  if (in.size() < format::kMinPayloadSize) return bad(offset, "payload too short");
  out->offset = offset;
  out->stored_bytes = stored.size();
  out->timestamp_ms = static_cast<int64_t>(decode_fixed64_le(in.data()));
  in.remove_prefix(8);
  if (!get_bytes(&in, &out->key) || !get_bytes(&in, &out->value) || in.size() < 4)
    return bad(offset, "field runs past the end");
  out->encoded_headers = in;
  uint32_t count = decode_fixed32_le(in.data());
  in.remove_prefix(4);
  for (uint32_t i = 0; i < count; ++i) {
    std::optional<std::string_view> k, v;
    if (!get_bytes(&in, &k) || !k || !get_bytes(&in, &v))
      return bad(offset, "header " + std::to_string(i) + " malformed");
  }
  if (!in.empty()) return bad(offset, "trailing bytes after headers");
  return Status::ok();
}

std::vector<Header> RecordView::headers() const {
  std::vector<Header> hs;
  std::string_view in = encoded_headers;
  if (in.size() < 4) return hs;
  uint32_t count = decode_fixed32_le(in.data());
  in.remove_prefix(4);
  for (uint32_t i = 0; i < count; ++i) {
    std::optional<std::string_view> k, v;
    if (!get_bytes(&in, &k) || !k || !get_bytes(&in, &v)) break;  // verified by decode_record
    hs.push_back(Header{std::string(*k), v ? std::optional<std::string>(*v) : std::nullopt});
  }
  return hs;
}

Record Record::from_view(const RecordView& v) {
  Record r;
  r.offset = v.offset;
  r.timestamp_ms = v.timestamp_ms;
  if (v.key) r.key = std::string(*v.key);
  if (v.value) r.value = std::string(*v.value);
  r.headers = v.headers();
  return r;
}

}  // namespace orderstream::log
