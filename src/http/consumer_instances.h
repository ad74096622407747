// Consumer instances of the REST Proxy consumer API (Confluent REST Proxy v2): a named instance in
// a group, its subscription and fetch positions. Positions start at the group's committed offset
// (the log's consumer-group offsets, as `orderstream groups describe` shows them) or at
// auto.offset.reset, so a new instance of a group resumes where the group committed. Each
// instance reads every partition of its topics (no partition split between instances of one
// group). Instances idle for longer than the idle timeout are dropped, like the proxy's
// consumer.instance.timeout.ms. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "log/group_writer.h"
#include "log/log.h"

namespace orderstream::http {

struct Fetched {
  std::string json;  // a JSON array of record_json objects
  size_t count = 0;
};

using TpKey = std::pair<std::string, int32_t>;  // (topic, partition), ordered for stable output

// Visits records from each partition's position in *positions (starting with the partition at
// index `first`, so one busy partition cannot starve the others) until fn returns false, moving
// each position past what fn accepted. A partition of a deleted topic is skipped.
Status scan_positions(const log::ReadView& view, std::map<TpKey, int64_t>* positions, size_t first,
                      const std::function<bool(const TpKey&, const log::RecordView&)>& fn);

// Commits `offsets` (the next offset to read of each partition) for `group` through the group
// writer; done runs once they are durable, or with the error (also when the queue is full).
void commit_group_offsets(log::GroupWriter& writer, const std::string& group,
                          std::map<TpKey, int64_t> offsets, std::function<void(const Status&)> done);

class ConsumerInstance {
 public:
  ConsumerInstance(std::string group, std::string name, bool earliest, bool auto_commit)
      : group_(std::move(group)), name_(std::move(name)), earliest_(earliest),
        auto_commit_(auto_commit) {}

  const std::string& group() const { return group_; }
  const std::string& name() const { return name_; }
  bool auto_commit() const { return auto_commit_; }

  // Replaces the subscription; positions of kept partitions stay. NotFound for an unknown topic.
  Status subscribe(const log::Log& log, const std::vector<std::string>& topics);
  void unsubscribe();
  std::vector<std::string> topics() const;
  // Reads up to max_bytes (at least one record when any is available) from the positions and
  // moves them past what it returns.
  Result<Fetched> fetch(const log::Log& log, size_t max_bytes);
  // Offsets after the records fetched so far (what an empty commit commits).
  std::map<TpKey, int64_t> consumed() const;
  // The subscribed partitions.
  std::vector<TpKey> partitions() const;

 private:
  const std::string group_;
  const std::string name_;
  const bool earliest_;
  const bool auto_commit_;
  mutable std::mutex mu_;
  std::vector<std::string> topics_;    // GUARDED_BY(mu_)
  std::map<TpKey, int64_t> position_;  // GUARDED_BY(mu_): next offset to fetch
  size_t rotate_ = 0;                  // GUARDED_BY(mu_): first partition of the next fetch
};

class ConsumerInstances {
 public:
  explicit ConsumerInstances(std::chrono::milliseconds idle_timeout) : idle_timeout_(idle_timeout) {}
  // Conflict if the group already has an instance of that name.
  Result<std::shared_ptr<ConsumerInstance>> create(const std::string& group, const std::string& name,
                                                   bool earliest, bool auto_commit);
  // nullptr when there is none (or it expired); otherwise marks it used now.
  std::shared_ptr<ConsumerInstance> find(const std::string& group, const std::string& name);
  bool remove(const std::string& group, const std::string& name);

 private:
  struct Entry {
    std::shared_ptr<ConsumerInstance> instance;
    std::chrono::steady_clock::time_point last_used;
  };
  void expire_locked(std::chrono::steady_clock::time_point now);

  const std::chrono::milliseconds idle_timeout_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace orderstream::http
