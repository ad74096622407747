#include "kafka/wire.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

namespace orderstream::kafka {
namespace {

TEST_SUITE("kafka wire") {
  TEST_CASE("integers, strings, bytes and arrays round-trip big-endian") {
    Writer w;
    w.i8(-2);
    w.i16(-300);
    w.i32(0x01020304);
    w.i64(-1234567890123LL);
    w.u32(0xdeadbeef);
    w.boolean(true);
    w.string("orders");
    w.nullable_string(std::nullopt);
    w.nullable_bytes(std::string_view("\0x", 2));
    w.nullable_bytes(std::nullopt);
    w.array_length(2);
    CHECK(w.bytes().substr(3, 4) == std::string("\x01\x02\x03\x04", 4));
    Reader r(w.bytes());
    CHECK(r.i8() == -2);
    CHECK(r.i16() == -300);
    CHECK(r.i32() == 0x01020304);
    CHECK(r.i64() == -1234567890123LL);
    CHECK(r.u32() == 0xdeadbeef);
    CHECK(r.boolean());
    CHECK(r.string() == "orders");
    CHECK_FALSE(r.nullable_string().has_value());
    CHECK(r.nullable_bytes() == std::string_view("\0x", 2));
    CHECK_FALSE(r.nullable_bytes().has_value());
    CHECK(r.i32() == 2);
    CHECK(r.ok());
    CHECK(r.remaining() == 0);
  }

  TEST_CASE("zig-zag varints match the protocol guide's encoding") {
    for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{63}, int64_t{-64}, int64_t{64}, int64_t{300},
                      std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
      Writer w;
      w.varlong(v);
      Reader r(w.bytes());
      CHECK(r.varlong() == v);
      CHECK(r.ok());
    }
    Writer w;
    w.varint(-1);  // zig-zag 1
    w.varint(1);   // zig-zag 2
    w.varint(300);
    CHECK(w.bytes() == std::string("\x01\x02\xd8\x04", 4));
  }

  TEST_CASE("short, negative and oversized fields fail the reader without reading past the end") {
    Reader short_int(std::string_view("\x00\x01", 2));
    CHECK(short_int.i32() == 0);
    CHECK_FALSE(short_int.ok());
    CHECK(short_int.status().code() == StatusCode::kInvalidArgument);

    Writer huge;
    huge.array_length(1 << 30);  // a billion items in a 4-byte request
    Reader r(huge.bytes());
    CHECK(r.array_length(4) == 0);
    CHECK_FALSE(r.ok());

    Writer bad_string;
    bad_string.i16(10);  // ten bytes promised, none sent
    Reader s(bad_string.bytes());
    CHECK(s.string().empty());
    CHECK_FALSE(s.ok());

    Writer null_required;
    null_required.i16(-1);
    Reader n(null_required.bytes());
    (void)n.string();
    CHECK_FALSE(n.ok());

    const std::string never_ends(11, '\xff');  // a varint without its last byte
    Reader endless(never_ends);
    (void)endless.varlong();
    CHECK_FALSE(endless.ok());
  }

  TEST_CASE("after the first error every read returns zero and the first error is kept") {
    Reader r(std::string_view("\x00", 1));
    CHECK(r.i16() == 0);
    std::string first = r.status().message();
    CHECK(r.i8() == 0);
    CHECK(r.string().empty());
    CHECK(r.status().message() == first);
  }
}

}  // namespace
}  // namespace orderstream::kafka
