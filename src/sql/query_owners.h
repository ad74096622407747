// Which persistent query writes a topic (its sink and repartition topics) or commits a consumer
// group (its sub-topologies'), for the single-writer rule: while the query runs, clients may read
// those but not write them, as with the ecosystem's own topics. Thread-safe, and never waits
// behind a statement (its own small mutex), so an HTTP thread may ask.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orderstream::sql {

class QueryOwners {
 public:
  void set(const std::string& query, std::vector<std::string> topics, std::vector<std::string> groups);
  void erase(const std::string& query);
  // The id of the query writing `topic` / committing `group`, or nullopt.
  std::optional<std::string> topic_writer(std::string_view topic) const;
  std::optional<std::string> group_committer(std::string_view group) const;

 private:
  struct Owned {
    std::vector<std::string> topics, groups;
  };
  mutable std::mutex mu_;
  std::map<std::string, Owned> by_query_;  // GUARDED_BY(mu_)
};

// "topic T is written by the persistent query Q (TERMINATE Q to write to it)" and the group's.
std::string query_topic_message(std::string_view topic, std::string_view query);
std::string query_group_message(std::string_view group, std::string_view query);

}  // namespace orderstream::sql
