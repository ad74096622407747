// ListGroups (key 16), versions 0-2: every group the broker coordinates, by id and protocol
// type. The request has no fields before v3's (flexible) states filter. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orderstream::kafka {

struct ListedGroup {
  std::string group_id;
  std::string protocol_type;  // "consumer", or "" for a group that only has offsets
};

// REQUIRES: 0 <= version <= 2.
std::string encode_list_groups_response(int16_t version, int16_t error_code, const std::vector<ListedGroup>& groups);

}  // namespace orderstream::kafka
