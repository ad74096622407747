#include "log/log.h"

#include <sys/file.h>
#include <unistd.h>

#include "log/coding.h"
#include "log/log_impl.h"

namespace orderstream::log {
namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

LogImpl::~LogImpl() {
  // Close the environment before releasing the writer lock: another process may open it for
  // writing as soon as the flock is gone.
  env.close();
  if (lock_fd >= 0) ::close(lock_fd);  // releases the flock
}

Result<TopicState*> LogImpl::find_topic(std::string_view name) const {
  std::shared_lock lock(topics_mu);
  auto it = topics.find(name);
  if (it == topics.end()) return not_found("topic '" + std::string(name) + "' does not exist");
  return it->second.get();
}

Result<PartitionState*> LogImpl::find(const TopicPartition& tp) const {
  OS_ASSIGN_OR_RETURN(TopicState * t, find_topic(tp.topic));
  if (tp.partition.v < 0 || tp.partition.v >= t->info.partitions)
    return not_found("partition " + std::to_string(tp.partition.v) + " of topic '" + tp.topic +
                     "' does not exist (it has " + std::to_string(t->info.partitions) +
                     " partitions)");
  return t->parts[static_cast<size_t>(tp.partition.v)].get();
}

Result<ReadView> LogImpl::read_view() const {
  auto txn = std::make_unique<LmdbTxn>();
  OS_RETURN_IF_ERROR(txn->begin(env, /*read_only=*/true));
  return ReadView(this, std::move(txn));
}

Status LogImpl::write(const std::function<Status(WriteTxn&)>& fn) {
  Status st;
  write_all(std::span(&fn, 1), std::span(&st, 1));
  return st;
}

void LogImpl::write_all(std::span<const std::function<Status(WriteTxn&)>> fns,
                        std::span<Status> out) {
  if (env.read_only()) {
    for (Status& st : out) st = invalid_argument("the log is open read-only");
    return;
  }
  std::vector<QueuedWrite> mine(fns.size());
  for (size_t i = 0; i < fns.size(); ++i) mine[i].fn = &fns[i];
  auto is_mine = [&](const QueuedWrite* w) { return w >= mine.data() && w < mine.data() + mine.size(); };
  auto all_done = [&] { return mine.empty() || mine.back().done; };  // groups complete in order
  std::unique_lock q(queue_mu);
  for (QueuedWrite& w : mine) queue.push_back(&w);
  while (true) {
    queue_cv.wait(q, [&] { return all_done() || is_mine(queue.front()); });
    if (all_done()) break;
    // Leader: everything queued from the front joins this txn. The cap keeps one txn's
    // latency bounded; writes beyond it lead the next group.
    constexpr size_t kMaxGroup = 1024;
    std::vector<QueuedWrite*> group(queue.begin(), queue.begin() + std::min(queue.size(), kMaxGroup));
    q.unlock();
    run_group(group);
    q.lock();
    for (QueuedWrite* w : group) {
      queue.pop_front();
      w->done = true;
    }
    queue_cv.notify_all();  // the followers, and the next leader
  }
  for (size_t i = 0; i < mine.size(); ++i) out[i] = mine[i].status;
}

Status LogImpl::commit_group(LmdbTxn& txn, const DirtyPartitions& batch, bool* commit_failed) {
  *commit_failed = false;
  for (auto& [orig, s] : batch) {
    (void)orig;
    // Partition metadata lives in the same txn as the records it describes, so the two can
    // never disagree after a crash.
    if (Status st = txn.put(meta_dbi, s->meta_key, encode_partition_meta(*s)); !st.is_ok()) {
      txn.abort();
      return st;
    }
  }
  // A failed commit: LMDB may have written part of the txn's pages; no later commit can be
  // trusted until a reopen re-reads the last valid meta page (the caller makes it sticky).
  // Lack of space is the exception: a full map fails before anything is written, and a
  // write(2) that fails with ENOSPC only touched pages the last committed meta page does not
  // reference (LMDB aborts the txn, the meta page is not written), so the next commit can
  // simply try again once space is back.
  Status st = txn.commit();
  *commit_failed = !st.is_ok();
  return st;
}

void LogImpl::run_group(const std::vector<QueuedWrite*>& group) {
  std::lock_guard lock(write_mu);
  std::vector<QueuedWrite*> live = group;
  auto fail_all = [&](const Status& st) {
    for (QueuedWrite* w : live) w->status = st;
  };
  if (!sticky.is_ok()) return fail_all(sticky);
  DirtyPartitions batch;
  LmdbTxn txn;
  while (true) {
    batch.clear();
    if (Status st = txn.begin(env, /*read_only=*/false); !st.is_ok()) {
      note_no_space(st);
      return fail_all(st);
    }
    int64_t now = wall_ms();
    size_t failed = live.size();
    for (size_t i = 0; i < live.size(); ++i) {
      WriteTxn w(this, &txn, now, &batch);
      Status st = (*live[i]->fn)(w);
      if (!st.is_ok()) {
        note_no_space(st);  // e.g. MDB_MAP_FULL from this write's puts
        live[i]->status = st;
        failed = i;
        break;
      }
      for (auto& [orig, s] : w.dirty_) batch[orig] = std::move(s);
    }
    if (failed == live.size()) {
      bool commit_failed = false;
      auto commit_started = std::chrono::steady_clock::now();
      Status st = commit_group(txn, batch, &commit_failed);
      if (st.is_ok() && txn.wrote()) {
        if (metrics.commit_seconds) metrics.commit_seconds->observe(seconds_since(commit_started));
        if (metrics.commits) metrics.commits->inc();
        if (metrics.writes_per_commit) metrics.writes_per_commit->observe(static_cast<double>(live.size()));
      }
      if (st.is_ok()) break;
      end_store_creation(false);  // LMDB closed the databases this txn created
      note_no_space(st);
      // A group too large for the space left: store its first half, first come first served
      // (log2(n) txns when nothing fits); a lone write that does not fit is refused.
      if (st.code() != StatusCode::kNoSpace || live.size() == 1) {
        if (st.code() != StatusCode::kNoSpace && commit_failed) set_sticky(st);
        return fail_all(st);
      }
      size_t half = live.size() / 2;
      for (size_t i = half; i < live.size(); ++i) live[i]->status = st;
      live.resize(half);
      continue;
    }
    // The failed write may have left changes in the txn: drop the txn and redo it without it.
    // When it did not fit (map or disk full), neither will the writes queued after it: they
    // are refused at once, first come first served, instead of each costing another redo.
    txn.abort();
    end_store_creation(false);
    if (live[failed]->status.code() == StatusCode::kNoSpace) {
      for (size_t i = failed + 1; i < live.size(); ++i) live[i]->status = live[failed]->status;
      live.resize(failed);
    } else {
      live.erase(live.begin() + static_cast<long>(failed));
    }
    if (live.empty()) return;
  }
  note_commit_ok();
  fail_all(Status::ok());
  end_store_creation(true);
  if (txn.wrote()) {
    // This commit fdatasynced its pages after every earlier commit had written its meta page
    // (MDB_NOMETASYNC writes it unsynced): the earlier commits are durable now.
    uint64_t earlier = version.load(std::memory_order_acquire);
    std::lock_guard sl(sync_mu);
    synced_version = std::max(synced_version, earlier);
    durable_txn = std::max(durable_txn, txn.committed_id() - 1);
  }
  int64_t records = 0, bytes = 0;
  {
    std::unique_lock tl(topics_mu);
    for (auto& [orig, s] : batch) {
      auto* target = const_cast<PartitionState*>(orig);
      records += s->count - target->count;
      bytes += s->bytes - target->bytes;
      // Only the positions change; dbi and meta_key are read by scans without topics_mu.
      target->start = s->start;
      target->end = s->end;
      target->count = s->count;
      target->bytes = s->bytes;
    }
  }
  if (metrics.records_per_commit && txn.wrote())
    metrics.records_per_commit->observe(static_cast<double>(records));
  if (records > 0) appended_records.fetch_add(records, std::memory_order_relaxed);
  if (bytes > 0) appended_bytes.fetch_add(bytes, std::memory_order_relaxed);
  wake();
}

void LogImpl::wake() {
  {
    std::lock_guard lock(wake_mu);
    version.fetch_add(1, std::memory_order_release);
    if (commit_listener) commit_listener();
  }
  wake_cv.notify_all();
}

Log::Log(std::unique_ptr<LogImpl> impl) : impl_(std::move(impl)) {}
Log::~Log() { shutdown(); }

Status Log::create_topic(const std::string& name, int32_t partitions, const TopicConfig& config) {
  OS_RETURN_IF_ERROR(validate_topic_name(name));
  if (partitions < 1 || partitions > kMaxPartitions)
    return invalid_argument("partitions must be 1.." + std::to_string(kMaxPartitions));
  if (impl_->find_topic(name).ok()) return conflict("topic '" + name + "' already exists");
  // Every partition is an LMDB database, and an environment opens at most max_dbs of them in its
  // life (a dropped one frees its slot). Running out would fail deep inside some later commit,
  // a stream task's store creation included, so refuse here, keeping room for the stores.
  const size_t limit = impl_->options.max_dbs;
  const size_t used = impl_->open_databases();
  if (used + impl_->new_databases(name, partitions) + kDatabasesKeptForStores > limit)
    return invalid_argument("cannot create topic '" + name + "' with " + std::to_string(partitions) +
                            " partitions: the log holds " + std::to_string(used) + " of its " +
                            std::to_string(limit) + " LMDB databases (one per partition or state store, " +
                            std::to_string(kDatabasesKeptForStores) + " kept for new state stores); " +
                            "delete unused topics or use fewer partitions");
  return impl_->create_topic(name, partitions, config);
}

Status Log::delete_topic(const std::string& name) { return impl_->delete_topic(name); }

Status Log::alter_topic(const std::string& name, const TopicConfig& config) {
  return impl_->alter_topic(name, config);
}

std::vector<TopicInfo> Log::topics() const {
  std::shared_lock lock(impl_->topics_mu);
  std::vector<TopicInfo> out;
  for (const auto& [name, t] : impl_->topics) out.push_back(t->info);
  return out;
}

Result<TopicInfo> Log::topic(const std::string& name) const {
  // Look up and copy under one lock: the topic may be deleted in between otherwise.
  std::shared_lock lock(impl_->topics_mu);
  auto it = impl_->topics.find(name);
  if (it == impl_->topics.end()) return not_found("topic '" + name + "' does not exist");
  return it->second->info;
}

Result<ReadView> Log::read_view() const { return impl_->read_view(); }

Status Log::write(const std::function<Status(WriteTxn&)>& fn) { return impl_->write(fn); }

void Log::write_all(std::span<const WriteFn> fns, std::span<Status> out) {
  impl_->write_all(fns, out);
}

Status Log::sync() { return sync_to(impl_->version.load(std::memory_order_acquire)); }

Status Log::sync_to(uint64_t target) {
  return impl_->sync_until([this, target] { return impl_->synced_version >= target; });
}

uint64_t Log::commit_point() const { return impl_->env.last_txn_id(); }

bool Log::durable_through(uint64_t point) const {
  std::lock_guard lock(impl_->sync_mu);
  return impl_->durable_txn >= point;
}

Status Log::sync_through(uint64_t point) {
  return impl_->sync_until([this, point] { return impl_->durable_txn >= point; });
}

Status LogImpl::sync_until(const std::function<bool()>& done) {
  if (env.read_only()) return Status::ok();  // nothing was committed through this handle
  std::unique_lock lock(sync_mu);
  while (true) {
    if (done()) return Status::ok();
    // Waiting for a commit in progress to cover the caller measured slower than syncing at
    // once (5,400 vs 6,000 POST/s). Another caller's fdatasync may not cover us: wait and
    // re-check.
    if (!syncing) break;
    sync_cv.wait(lock);
  }
  syncing = true;
  // Read before the fdatasync: everything committed by now is what it makes durable.
  uint64_t covering = version.load(std::memory_order_acquire);
  uint64_t covering_txn = env.last_txn_id();
  lock.unlock();
  auto started = std::chrono::steady_clock::now();
  Status st = env.sync();
  if (metrics.sync_seconds) metrics.sync_seconds->observe(seconds_since(started));
  lock.lock();
  syncing = false;
  if (st.is_ok()) {
    synced_version = std::max(synced_version, covering);
    durable_txn = std::max(durable_txn, covering_txn);
  }
  sync_cv.notify_all();
  lock.unlock();
  if (!st.is_ok()) {
    // After a failed fdatasync the kernel may have dropped the dirty pages: nothing written
    // since can be trusted to reach the disk, so the durable path fails sticky.
    std::lock_guard wl(write_mu);
    if (sticky.is_ok()) set_sticky(st);
  }
  return st;
}

Result<std::vector<Offset>> Log::append(const std::string& topic,
                                        std::optional<PartitionId> partition,
                                        std::span<const RecordData> records) {
  std::vector<Offset> offsets;
  offsets.reserve(records.size());
  OS_RETURN_IF_ERROR(write([&](WriteTxn& w) {
    offsets.clear();
    for (const RecordData& r : records) {
      PartitionId p;
      if (partition) {
        p = *partition;
      } else {
        OS_ASSIGN_OR_RETURN(p, w.partition_for(topic, r.key));
      }
      OS_ASSIGN_OR_RETURN(Offset o, w.append(TopicPartition{topic, p}, r));
      offsets.push_back(o);
    }
    return Status::ok();
  }));
  return offsets;
}

uint64_t Log::durable_version() const {
  std::lock_guard lock(impl_->sync_mu);
  return impl_->synced_version;
}

uint64_t Log::version() const { return impl_->version.load(std::memory_order_acquire); }

uint64_t Log::wait_for_change(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->wake_mu);
  impl_->wake_cv.wait_for(lock, timeout, [&] {
    return impl_->version.load(std::memory_order_acquire) != seen ||
           impl_->shut_down.load(std::memory_order_acquire);
  });
  return impl_->version.load(std::memory_order_acquire);
}

void Log::set_commit_listener(std::function<void()> listener) {
  std::lock_guard lock(impl_->wake_mu);
  impl_->commit_listener = std::move(listener);
}

void Log::shutdown() {
  {
    std::lock_guard lock(impl_->wake_mu);
    impl_->shut_down.store(true, std::memory_order_release);
  }
  impl_->wake_cv.notify_all();
}

bool Log::is_shut_down() const { return impl_->shut_down.load(std::memory_order_acquire); }

const LogOptions& Log::options() const { return impl_->options; }
void Log::set_metrics(LogMetrics m) { impl_->metrics = m; }
int64_t Log::appended_records() const { return impl_->appended_records.load(); }
int64_t Log::appended_bytes() const { return impl_->appended_bytes.load(); }

}  // namespace orderstream::log
