// StrongInt: a typed integer so an Offset cannot be passed where a PartitionId or a byte count is
// expected. Plain value type.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace orderstream {

template <class Tag, class Rep>
struct StrongInt {
  Rep v{};
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(Rep x) : v(x) {}
  constexpr auto operator<=>(const StrongInt&) const = default;
  constexpr StrongInt next() const { return StrongInt(v + 1); }
};

// Position of a record in one partition; the first record of a new partition has offset 0.
using Offset = StrongInt<struct OffsetTag, int64_t>;
// Partition number within a topic, 0..partitions-1.
using PartitionId = StrongInt<struct PartitionIdTag, int32_t>;

}  // namespace orderstream

template <class Tag, class Rep>
struct std::hash<orderstream::StrongInt<Tag, Rep>> {
  size_t operator()(const orderstream::StrongInt<Tag, Rep>& x) const noexcept {
    return std::hash<Rep>()(x.v);
  }
};
