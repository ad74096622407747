// Consumer groups of the REST Proxy consumer API (Confluent REST Proxy v2): named instances in a
// group, their subscriptions, and which partitions each reads. Like Kafka's group coordinator,
// the group splits the partitions of its subscribed topics among its instances
// (http/group_assignment.h) and rebalances when one joins, subscribes, unsubscribes, is deleted or
// expires, or when a subscribed topic's partition count changes (checked on fetch). A partition
// an instance gains starts at the group's committed offset (the log's consumer-group offsets, as
// `orderstream groups describe` shows them) or at auto.offset.reset, so uncommitted progress on a
// partition that moves is read again by its new owner (at-least-once). Instances idle for longer
// than the idle timeout are dropped, like the proxy's consumer.instance.timeout.ms. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/http_vocabulary.h"
#include "common/status.h"
#include "api/group_assignment.h"
#include "log/group_writer.h"
#include "log/log.h"

namespace orderstream::api {

struct Fetched {
  std::string json;  // a JSON array of record_json objects
  size_t count = 0;
  std::map<TpKey, int64_t> positions;  // the next offset of each partition read, after this fetch
  std::map<TpKey, int64_t> from;       // the same partitions' positions before it
};

// Visits records from each partition's position in *positions (starting with the partition at
// index `first`, so one busy partition cannot starve the others) until fn returns false, moving
// each position past what fn accepted. A partition of a deleted topic is skipped.
Status scan_positions(const log::ReadView& view, std::map<TpKey, int64_t>* positions, size_t first,
                      const std::function<bool(const TpKey&, const log::RecordView&)>& fn);

// Commits `offsets` (the next offset to read of each partition) for `group` through the group
// writer; done runs once they are durable, or with the error (also when the queue is full).
void commit_group_offsets(log::GroupWriter& writer, const std::string& group,
                          std::map<TpKey, int64_t> offsets, std::function<void(const Status&)> done);

// One member of a group. Shared by ConsumerInstances (which alone changes its subscription and
// assignment) and the requests using it; any thread. Dies with the last request after removal.
class ConsumerInstance {
 public:
  ConsumerInstance(std::string group, std::string name, bool earliest, bool auto_commit)
      : group_(std::move(group)), name_(std::move(name)), earliest_(earliest),
        auto_commit_(auto_commit) {}

  const std::string& group() const { return group_; }
  const std::string& name() const { return name_; }
  bool auto_commit() const { return auto_commit_; }

  std::vector<std::string> topics() const;
  // At most this many records per fetch (bounding the answer's JSON and the work of one request
  // on an io thread even for tiny records).
  static constexpr size_t kMaxFetchRecords = 10000;
  // Reads up to max_bytes and kMaxFetchRecords (at least one record when any is available) from the assigned
  // partitions and moves their positions past what it returns. Fetches of one instance run one at
  // a time; a rebalance meanwhile does not wait for it (a partition revoked during the read keeps
  // its new owner's position; what was read from it is still returned).
  Result<Fetched> fetch(const log::Log& log, size_t max_bytes);
  // Undoes fetch `f` where nothing moved since: its records will be fetched again. For a fetch
  // whose auto-commit failed, so that no record is skipped without having been delivered.
  void rewind(const Fetched& f);
  // Positions after the records fetched so far, of the assigned partitions (an empty commit).
  std::map<TpKey, int64_t> consumed() const;
  // The assigned partitions, sorted.
  std::vector<TpKey> partitions() const;
  // Changes at every rebalance of this instance's group and when it leaves the group: a parked
  // long-poll watches it, so it fetches at once from a partition it gains (as Kafka's poll
  // returns after a rebalance) instead of at the next commit to the log.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  friend class ConsumerInstances;
  void set_topics(std::vector<std::string> topics);
  // Where a newly assigned partition starts: the group's committed offset, else reset.
  Result<int64_t> start_offset(const log::ReadView& view, const TpKey& tp) const;
  // Replaces the assignment with `parts`: kept partitions keep their position; REQUIRES `starts`
  // holds the start of every partition of `parts` this instance does not have yet.
  void assign(const std::vector<TpKey>& parts, const std::map<TpKey, int64_t>& starts);

  const std::string group_;
  const std::string name_;
  const bool earliest_;
  const bool auto_commit_;
  std::mutex fetch_mu_;  // serializes fetch(); taken only there, before mu_
  mutable std::mutex mu_;
  std::vector<std::string> topics_;    // GUARDED_BY(mu_)
  std::map<TpKey, int64_t> position_;  // GUARDED_BY(mu_): assigned partition -> next offset
  size_t rotate_ = 0;                  // GUARDED_BY(mu_): first partition of the next fetch
  std::atomic<uint64_t> generation_{0};  // bumped after each assign()
};

// The registry of groups and their members: owned by the REST Proxy routes, used from every io
// thread. One mutex guards the registry; it is held during a rebalance (which reads only the
// committed offsets of partitions that move), never during a fetch. Lock order: registry, then
// an instance's mu_.
class ConsumerInstances {
 public:
  // REQUIRES: log outlives this.
  ConsumerInstances(const log::Log& log, std::chrono::milliseconds idle_timeout)
      : log_(log), idle_timeout_(idle_timeout) {}
  // Conflict if the group already has an instance of that name. A new instance has no
  // subscription, so the group's assignment does not change yet.
  Result<std::shared_ptr<ConsumerInstance>> create(const std::string& group, const std::string& name,
                                                   bool earliest, bool auto_commit);
  // nullptr when there is none (or it expired); otherwise marks it used now.
  std::shared_ptr<ConsumerInstance> find(const std::string& group, const std::string& name);
  // Removes the instance and hands its partitions to the rest of the group. NotFound if there is
  // none; otherwise the rebalance's Status (on an error the instance is gone all the same, and
  // the next refresh() retries the rebalance).
  Status remove(const std::string& group, const std::string& name);
  // Replaces the subscription and rebalances; NotFound for an unknown topic (nothing changes).
  // When the rebalance fails the subscription is kept and the next refresh() retries. An
  // instance removed meanwhile is no member any more: nothing to rebalance.
  Status subscribe(ConsumerInstance& inst, const std::vector<std::string>& topics);
  Status unsubscribe(ConsumerInstance& inst);
  // Cheap check before a fetch: expires idle instances, and rebalances inst's group if a subscribed
  // topic's partition count changed (deleted, or recreated) or an earlier rebalance failed.
  // Also marks inst used. NotFound when inst is no member any more (deleted or expired).
  Status refresh(const ConsumerInstance& inst);
  // Instances of `group` now, the idle ones expired first (LiveGroups).
  size_t live_members(const std::string& group);

 private:
  struct Member {
    std::shared_ptr<ConsumerInstance> instance;
    std::chrono::steady_clock::time_point last_used;
  };
  struct Group {
    std::map<std::string, Member> members;
    std::map<std::string, int32_t> partition_counts;  // of the subscribed topics, at the last rebalance
    bool stale = false;                               // the last rebalance failed
  };
  void expire_locked(std::chrono::steady_clock::time_point now);
  Status rebalance_locked(Group& group);
  // The group of a current member `inst`, or nullptr.
  Group* group_of_locked(const ConsumerInstance& inst);
  // Each subscribed topic's partition count now (0 when deleted).
  std::map<std::string, int32_t> partition_counts_locked(const Group& group) const;
  static Status mark_stale(Group& group, Status st);

  const log::Log& log_;
  const std::chrono::milliseconds idle_timeout_;
  std::mutex mu_;
  std::map<std::string, Group> groups_;  // GUARDED_BY(mu_); a group without members is erased
};

}  // namespace orderstream::api
