#include "http/consumer_instances.h"

#include <algorithm>

#include "http/proxy_records.h"

namespace orderstream::http {

Status ConsumerInstance::subscribe(const log::Log& log, const std::vector<std::string>& topics) {
  std::vector<log::TopicInfo> infos;
  for (const std::string& t : topics) {
    auto info = log.topic(t);
    if (!info.ok()) return not_found("topic '" + t + "' not found");
    infos.push_back(*info);
  }
  auto view = log.read_view();
  if (!view.ok()) return view.status();
  std::lock_guard lock(mu_);
  std::map<TpKey, int64_t> next;
  for (const log::TopicInfo& info : infos) {
    for (int32_t p = 0; p < info.partitions; ++p) {
      TpKey key{info.name, p};
      if (auto it = position_.find(key); it != position_.end()) {
        next.insert(*it);
        continue;
      }
      log::TopicPartition tp{info.name, PartitionId(p)};
      auto committed = view->committed(group_, tp);
      if (!committed.ok()) return committed.status();
      if (*committed) {
        next[key] = (*committed)->v;
        continue;
      }
      auto pi = view->partition_info(tp);
      if (!pi.ok()) return pi.status();
      next[key] = earliest_ ? pi->start.v : pi->end.v;
    }
  }
  topics_ = topics;
  position_ = std::move(next);
  return Status();
}

void ConsumerInstance::unsubscribe() {
  std::lock_guard lock(mu_);
  topics_.clear();
  position_.clear();
}

std::vector<std::string> ConsumerInstance::topics() const {
  std::lock_guard lock(mu_);
  return topics_;
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
  auto view = log.read_view();
  if (!view.ok()) return view.status();
  std::lock_guard lock(mu_);
  Fetched out;
  out.json = "[";
  Status st = scan_positions(*view, &position_, rotate_++, [&](const TpKey& tp, const log::RecordView& r) {
    std::string rec = record_json(tp.first, tp.second, r);
    if (out.count > 0 && out.json.size() + rec.size() + 1 > max_bytes) return false;
    out.json += (out.count++ ? "," : "") + rec;
    return true;
  });
  if (!st.is_ok()) return st;
  out.json += "]";
  return out;
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
  auto key = std::make_pair(group, name);
  if (entries_.count(key))
    return conflict("consumer instance '" + name + "' already exists in group '" + group + "'");
  auto inst = std::make_shared<ConsumerInstance>(group, name, earliest, auto_commit);
  entries_[key] = Entry{inst, now};
  return inst;
}

std::shared_ptr<ConsumerInstance> ConsumerInstances::find(const std::string& group,
                                                          const std::string& name) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  expire_locked(now);
  auto it = entries_.find({group, name});
  if (it == entries_.end()) return nullptr;
  it->second.last_used = now;
  return it->second.instance;
}

bool ConsumerInstances::remove(const std::string& group, const std::string& name) {
  std::lock_guard lock(mu_);
  return entries_.erase({group, name}) > 0;
}

void ConsumerInstances::expire_locked(std::chrono::steady_clock::time_point now) {
  std::erase_if(entries_, [&](const auto& e) { return now - e.second.last_used > idle_timeout_; });
}

}  // namespace orderstream::http
