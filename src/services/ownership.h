// Which service of the running ecosystem owns a topic or a consumer group: the one rule by which
// a running server refuses outside writes (the CLI's admin API: produce, delete, commit offsets)
// that would corrupt what its services keep. Pure functions over constant tables; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orderstream::services {

// The service that writes `topic`, or nullopt if no service owns it (a user's topic). Owned:
// every topic the ecosystem's topology declares (what `serve` creates, the repartition topics,
// `emails` and the level topics included) and every internal topic, whose name starts with
// "__" (`__sql_catalog` among them).
// The outputs of persistent SQL queries are owned by their query (sql/query_owners.h).
std::optional<std::string> topic_owner(std::string_view topic);

// The service whose stream tasks commit `group`'s offsets (every sub-topology's name is its
// tasks' consumer group), or nullopt for any other group.
// Persistent SQL queries' groups are their query's (sql/query_owners.h).
std::optional<std::string> group_owner(std::string_view group);

// What a refused write says, e.g. "topic orders is written only by the orders service (the
// running server refuses writes to it)". REQUIRES: owner is topic_owner(topic) / group_owner(group).
std::string owned_topic_message(std::string_view topic, std::string_view owner);
std::string owned_group_message(std::string_view group, std::string_view owner);

// owned_topic_message for an owned topic, nullopt for anyone's.
std::optional<std::string> topic_refusal(std::string_view topic);

}  // namespace orderstream::services
