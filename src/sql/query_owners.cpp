#include "sql/query_owners.h"

#include <algorithm>

namespace orderstream::sql {

void QueryOwners::set(const std::string& query, std::vector<std::string> topics, std::vector<std::string> groups) {
  std::lock_guard lock(mu_);
  by_query_[query] = Owned{std::move(topics), std::move(groups)};
}

void QueryOwners::erase(const std::string& query) {
  std::lock_guard lock(mu_);
  by_query_.erase(query);
}

std::optional<std::string> QueryOwners::topic_writer(std::string_view topic) const {
  std::lock_guard lock(mu_);
  for (const auto& [query, owned] : by_query_)
    if (std::find(owned.topics.begin(), owned.topics.end(), topic) != owned.topics.end()) return query;
  return std::nullopt;
}

std::optional<std::string> QueryOwners::group_committer(std::string_view group) const {
  std::lock_guard lock(mu_);
  for (const auto& [query, owned] : by_query_)
    if (std::find(owned.groups.begin(), owned.groups.end(), group) != owned.groups.end()) return query;
  return std::nullopt;
}

std::string query_topic_message(std::string_view topic, std::string_view query) {
  return "topic " + std::string(topic) + " is written only by the persistent query " + std::string(query) +
         " (TERMINATE " + std::string(query) + " to write to it yourself)";
}

std::string query_group_message(std::string_view group, std::string_view query) {
  return "consumer group " + std::string(group) + " is committed only by the persistent query " +
         std::string(query) + "'s tasks (TERMINATE " + std::string(query) + " first)";
}

}  // namespace orderstream::sql
