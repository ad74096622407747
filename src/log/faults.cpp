// Fault bookkeeping of a Log: partitions found damaged (read-only until repaired), a full map or
// disk, and the sticky failure of the durable path. Feeds Log::health() (/health, /metrics).
#include <cstdio>

#include "log/log_impl.h"

namespace orderstream::log {

Status LogImpl::partition_failure(const TopicPartition& tp) const {
  if (!any_failure.load(std::memory_order_acquire)) return Status::ok();
  std::lock_guard lock(faults_mu);
  for (const PartitionFailure& f : failures)
    if (f.tp == tp) return f.status;
  return Status::ok();
}

Status LogImpl::mark_failed(const TopicPartition& tp, Offset offset, Status st) const {
  {
    std::lock_guard lock(faults_mu);
    for (const PartitionFailure& f : failures)
      if (f.tp == tp) return st;  // already reported; the first damage found is the one named
    failures.push_back(PartitionFailure{tp, offset, st});
    any_failure.store(true, std::memory_order_release);
  }
  std::fprintf(stderr, "orderstream: %s; partition %s is read-only until repaired\n",
               st.message().c_str(), tp.to_string().c_str());
  return st;
}

void LogImpl::forget_failures(std::string_view topic) {
  std::lock_guard lock(faults_mu);
  std::erase_if(failures, [&](const PartitionFailure& f) { return f.tp.topic == topic; });
  any_failure.store(!failures.empty(), std::memory_order_release);
}

void LogImpl::note_no_space(const Status& st) {
  if (st.code() != StatusCode::kNoSpace) return;
  no_space_errors.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(faults_mu);
  storage_full = st;
  storage_full_set.store(true, std::memory_order_release);
}

void LogImpl::note_commit_ok() {
  // The common case costs one atomic load: nothing was full.
  if (!storage_full_set.load(std::memory_order_acquire)) return;
  std::lock_guard lock(faults_mu);
  storage_full = Status::ok();
  storage_full_set.store(false, std::memory_order_release);
}

void LogImpl::set_sticky(const Status& st) {
  sticky = st;
  std::lock_guard lock(faults_mu);
  write_failure = st;
}

std::vector<PartitionFailure> Log::failed_partitions() const {
  std::lock_guard lock(impl_->faults_mu);
  return impl_->failures;
}

LogHealth Log::health() const {
  LogHealth h;
  std::lock_guard lock(impl_->faults_mu);
  h.failed_partitions = impl_->failures;
  h.storage_full = impl_->storage_full;
  h.write_failure = impl_->write_failure;
  h.no_space_errors = impl_->no_space_errors.load(std::memory_order_relaxed);
  return h;
}

}  // namespace orderstream::log
