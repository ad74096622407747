#include "api/group_assignment.h"

namespace orderstream::api {

std::map<std::string, std::vector<TpKey>> assign_round_robin(
    const Subscriptions& members, const std::map<std::string, int32_t>& partition_counts) {
  std::map<std::string, std::vector<TpKey>> out;
  std::vector<const Subscriptions::value_type*> order;  // std::map: already sorted by name
  std::set<std::string> topics;
  for (const auto& m : members) {
    out[m.first];
    order.push_back(&m);
    topics.insert(m.second.begin(), m.second.end());
  }
  // Like Kafka's RoundRobinAssignor: one cursor circles the members across all partitions, so
  // members subscribed to the same topics get shares that differ by at most one partition.
  size_t cursor = 0;
  for (const std::string& topic : topics) {
    auto count = partition_counts.find(topic);
    if (count == partition_counts.end()) continue;
    for (int32_t p = 0; p < count->second; ++p) {
      // Someone subscribed to `topic` (it is in the union), so this finds a member within one lap.
      while (!order[cursor % order.size()]->second.count(topic)) ++cursor;
      out[order[cursor % order.size()]->first].emplace_back(topic, p);
      ++cursor;
    }
  }
  return out;
}

}  // namespace orderstream::api
