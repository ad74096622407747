#include "log/record.h"

#include "log/coding.h"
#include "log/crc32c.h"
#include "log/record_format.h"

namespace orderstream::log {
namespace {

void put_bytes(std::string* out, const std::optional<std::string_view>& b) {
  if (!b) {
    encode_fixed32_le(out, static_cast<uint32_t>(format::kNullLength));
    return;
  }
  encode_fixed32_le(out, static_cast<uint32_t>(b->size()));
  out->append(*b);
}

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

void encode_record(Offset offset, int64_t timestamp_ms, const RecordData& r, std::string* out) {
  size_t start = out->size();
  out->append(format::kHeaderSize, '\0');
  encode_fixed64_le(out, static_cast<uint64_t>(timestamp_ms));
  put_bytes(out, r.key);
  put_bytes(out, r.value);
  encode_fixed32_le(out, static_cast<uint32_t>(r.headers.size()));
  for (const Header& h : r.headers) {
    put_bytes(out, std::string_view(h.key));
    put_bytes(out, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt);
  }
  size_t payload_len = out->size() - start - format::kHeaderSize;
  char* hdr = out->data() + start;
  for (int i = 0; i < 4; ++i) hdr[4 + i] = static_cast<char>(payload_len >> (8 * i));
  hdr[8] = static_cast<char>(format::kTypeFull);
  hdr[9] = static_cast<char>(format::kVersion);
  uint32_t crc = crc_mask(record_crc(
      offset, std::string_view(hdr + format::kCrcSize, out->size() - start - format::kCrcSize)));
  for (int i = 0; i < 4; ++i) hdr[i] = static_cast<char>(crc >> (8 * i));
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
