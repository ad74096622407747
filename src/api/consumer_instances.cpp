#include "api/consumer_instances.h"

#include <algorithm>
#include <optional>
#include <set>

#include "api/proxy_records.h"

namespace orderstream::api {

std::vector<std::string> ConsumerInstance::topics() const {
  std::lock_guard lock(mu_);
  return topics_;
}

void ConsumerInstance::set_topics(std::vector<std::string> topics) {
  std::lock_guard lock(mu_);
  topics_ = std::move(topics);
}

Result<int64_t> ConsumerInstance::start_offset(const log::ReadView& view, const TpKey& tp) const {
  log::TopicPartition key{tp.first, PartitionId(tp.second)};
  auto committed = view.committed(group_, key);
  if (!committed.ok()) return committed.status();
  if (*committed) return (*committed)->v;
  auto info = view.partition_info(key);
  if (!info.ok()) return info.status();
  return earliest_ ? info->start.v : info->end.v;
}

void ConsumerInstance::assign(const std::vector<TpKey>& parts, const std::map<TpKey, int64_t>& starts) {
  std::lock_guard lock(mu_);
  std::map<TpKey, int64_t> next;
  for (const TpKey& tp : parts) {
    auto kept = position_.find(tp);
    next[tp] = kept != position_.end() ? kept->second : starts.at(tp);
  }
  position_ = std::move(next);
  generation_.fetch_add(1, std::memory_order_release);
}

Status scan_positions(const log::ReadView& view, std::map<TpKey, int64_t>* positions, size_t first,
                      const std::function<bool(const TpKey&, const log::RecordView&)>& fn) {
  std::vector<std::map<TpKey, int64_t>::iterator> parts;
  for (auto it = positions->begin(); it != positions->end(); ++it) parts.push_back(it);
  bool stopped = false;
  for (size_t i = 0; i < parts.size() && !stopped; ++i) {
    auto it = parts[(first + i) % parts.size()];
    log::TopicPartition tp{it->first.first, PartitionId(it->first.second)};
    Offset refused(0);
    auto next = view.scan(tp, Offset(it->second), SIZE_MAX, [&](const log::RecordView& r) {
      stopped = !fn(it->first, r);
      refused = r.offset;
      return !stopped;
    });
    if (next.ok()) {
      // scan() continues after the record fn refused; that record is still to be delivered.
      it->second = stopped ? refused.v : next->v;
    } else if (next.status().code() != StatusCode::kNotFound) {
      return next.status();
    }
  }
  return Status();
}

void commit_group_offsets(log::GroupWriter& writer, const std::string& group,
                          std::map<TpKey, int64_t> offsets, std::function<void(const Status&)> done) {
  auto write = [group, offsets = std::move(offsets)](log::WriteTxn& txn) -> Status {
    for (const auto& [tp, next] : offsets)
      OS_RETURN_IF_ERROR(txn.commit_offset(group, {tp.first, PartitionId(tp.second)}, Offset(next)));
    return Status();
  };
  Status st = writer.submit(write, done);
  if (!st.is_ok()) done(st);
}

Result<Fetched> ConsumerInstance::fetch(const log::Log& log, size_t max_bytes) {
  // Two fetches of one instance would read from the same positions and return the same records.
  std::lock_guard one_at_a_time(fetch_mu_);
  Fetched out;
  size_t first = 0;
  {
    // Read from a copy, so a rebalance never waits for the log.
    std::lock_guard lock(mu_);
    out.positions = position_;
    out.from = position_;
    first = rotate_++;
  }
  auto view = log.read_view();
  if (!view.ok()) return view.status();
  out.json.push_back('[');  // not = "[": GCC 12 warns a false -Wrestrict on that
  Status st = scan_positions(*view, &out.positions, first, [&](const TpKey& tp, const log::RecordView& r) {
    std::string rec = record_json(tp.first, tp.second, r);
    if (out.count > 0 && (out.json.size() + rec.size() + 1 > max_bytes || out.count >= kMaxFetchRecords)) return false;
    out.json += (out.count++ ? "," : "") + rec;
    return true;
  });
  if (!st.is_ok()) return st;
  out.json += "]";
  // A partition revoked meanwhile is its new owner's now: only the ones still assigned move.
  std::lock_guard lock(mu_);
  for (const auto& [tp, next] : out.positions)
    if (auto it = position_.find(tp); it != position_.end()) it->second = next;
  return out;
}

void ConsumerInstance::rewind(const Fetched& f) {
  std::lock_guard lock(mu_);
  for (const auto& [tp, next] : f.positions) {
    auto it = position_.find(tp);
    auto was = f.from.find(tp);
    if (it != position_.end() && was != f.from.end() && it->second == next) it->second = was->second;
  }
}

std::map<TpKey, int64_t> ConsumerInstance::consumed() const {
  std::lock_guard lock(mu_);
  return position_;
}

std::vector<TpKey> ConsumerInstance::partitions() const {
  std::lock_guard lock(mu_);
  std::vector<TpKey> out;
  for (const auto& [k, v] : position_) out.push_back(k);
  return out;
}

Result<std::shared_ptr<ConsumerInstance>> ConsumerInstances::create(const std::string& group,
                                                                    const std::string& name,
                                                                    bool earliest, bool auto_commit) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  expire_locked(now);
  Group& g = groups_[group];
  if (g.members.count(name))
    return conflict("consumer instance '" + name + "' already exists in group '" + group + "'");
  auto inst = std::make_shared<ConsumerInstance>(group, name, earliest, auto_commit);
  g.members[name] = Member{inst, now};
  return inst;
}

size_t ConsumerInstances::live_members(const std::string& group) {
  std::lock_guard lock(mu_);
  expire_locked(std::chrono::steady_clock::now());
  auto g = groups_.find(group);
  return g == groups_.end() ? 0 : g->second.members.size();
}

std::shared_ptr<ConsumerInstance> ConsumerInstances::find(const std::string& group,
                                                          const std::string& name) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  expire_locked(now);
  auto g = groups_.find(group);
  if (g == groups_.end()) return nullptr;
  auto m = g->second.members.find(name);
  if (m == g->second.members.end()) return nullptr;
  m->second.last_used = now;
  return m->second.instance;
}

Status ConsumerInstances::remove(const std::string& group, const std::string& name) {
  std::lock_guard lock(mu_);
  auto g = groups_.find(group);
  if (g == groups_.end() || !g->second.members.count(name))
    return not_found("consumer instance '" + name + "' not found in group '" + group + "'");
  // A request still holding the instance must not read the partitions it hands over.
  g->second.members[name].instance->assign({}, {});
  g->second.members.erase(name);
  if (g->second.members.empty()) {
    groups_.erase(g);
    return Status();
  }
  return rebalance_locked(g->second);
}

ConsumerInstances::Group* ConsumerInstances::group_of_locked(const ConsumerInstance& inst) {
  auto g = groups_.find(inst.group());
  if (g == groups_.end()) return nullptr;
  auto m = g->second.members.find(inst.name());
  if (m == g->second.members.end() || m->second.instance.get() != &inst) return nullptr;
  return &g->second;
}

Status ConsumerInstances::subscribe(ConsumerInstance& inst, const std::vector<std::string>& topics) {
  for (const std::string& t : topics)
    if (!log_.topic(t).ok()) return not_found("topic '" + t + "' not found");
  std::lock_guard lock(mu_);
  Group* g = group_of_locked(inst);
  if (!g) return Status();
  inst.set_topics(topics);
  return rebalance_locked(*g);
}

Status ConsumerInstances::unsubscribe(ConsumerInstance& inst) {
  std::lock_guard lock(mu_);
  Group* g = group_of_locked(inst);
  if (!g) return Status();
  inst.set_topics({});
  return rebalance_locked(*g);
}

Status ConsumerInstances::refresh(const ConsumerInstance& inst) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  expire_locked(now);
  Group* g = group_of_locked(inst);
  if (!g) return not_found("consumer instance '" + inst.name() + "' not found in group '" + inst.group() + "'");
  // A fetch is activity: a long-poll longer than the idle timeout must not expire its instance.
  g->members[inst.name()].last_used = now;
  if (g->stale || partition_counts_locked(*g) != g->partition_counts) return rebalance_locked(*g);
  return Status();
}

std::map<std::string, int32_t> ConsumerInstances::partition_counts_locked(const Group& group) const {
  std::map<std::string, int32_t> counts;
  for (const auto& [name, m] : group.members)
    for (const std::string& t : m.instance->topics()) {
      auto info = log_.topic(t);
      counts[t] = info.ok() ? info->partitions : 0;  // deleted: nothing left to assign
    }
  return counts;
}

Status ConsumerInstances::rebalance_locked(Group& group) {
  Subscriptions subs;
  for (const auto& [name, m] : group.members) {
    auto topics = m.instance->topics();
    subs[name] = std::set<std::string>(topics.begin(), topics.end());
  }
  auto counts = partition_counts_locked(group);
  auto assignment = assign_round_robin(subs, counts);
  // Read every start before changing anything, so a failed read leaves the old assignment whole.
  std::map<std::string, std::map<TpKey, int64_t>> starts;
  std::optional<log::ReadView> view;
  for (const auto& [name, parts] : assignment) {
    const ConsumerInstance& inst = *group.members.at(name).instance;
    auto held = inst.consumed();
    for (const TpKey& tp : parts) {
      if (held.count(tp)) continue;
      if (!view) {
        auto v = log_.read_view();
        if (!v.ok()) return mark_stale(group, v.status());
        view.emplace(std::move(*v));
      }
      auto start = inst.start_offset(*view, tp);
      if (!start.ok()) return mark_stale(group, start.status());
      starts[name][tp] = *start;
    }
  }
  for (const auto& [name, parts] : assignment) group.members.at(name).instance->assign(parts, starts[name]);
  group.partition_counts = std::move(counts);
  group.stale = false;
  return Status();
}

Status ConsumerInstances::mark_stale(Group& group, Status st) {
  group.stale = true;
  return st;
}

void ConsumerInstances::expire_locked(std::chrono::steady_clock::time_point now) {
  for (auto g = groups_.begin(); g != groups_.end();) {
    size_t expired = std::erase_if(g->second.members, [&](const auto& m) {
      if (now - m.second.last_used <= idle_timeout_) return false;
      m.second.instance->assign({}, {});
      return true;
    });
    if (g->second.members.empty()) {
      g = groups_.erase(g);
      continue;
    }
    // A failed rebalance marks the group stale; its next refresh() retries.
    if (expired > 0) (void)rebalance_locked(g->second);
    ++g;
  }
}

}  // namespace orderstream::api
