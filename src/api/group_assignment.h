// Kafka's round-robin partition assignor for the REST Proxy's consumer groups: which member of a
// group reads which (topic, partition). A pure function of its inputs; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace orderstream::api {

using TpKey = std::pair<std::string, int32_t>;  // (topic, partition), ordered for stable output

// member name -> the topics it subscribed to.
using Subscriptions = std::map<std::string, std::set<std::string>>;

// Deals the partitions of the union of the subscriptions (sorted by topic, then partition) to the
// members sorted by name, round-robin; a member not subscribed to a partition's topic is skipped
// for it. Every partition of a subscribed topic goes to exactly one member subscribed to that
// topic; the answer has an entry (maybe empty) for every member, and its partitions are sorted.
// partition_counts gives each topic's partition count; a topic missing from it (or with 0
// partitions, e.g. deleted) has nothing to assign.
std::map<std::string, std::vector<TpKey>> assign_round_robin(
    const Subscriptions& members, const std::map<std::string, int32_t>& partition_counts);

}  // namespace orderstream::api
