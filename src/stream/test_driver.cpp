#include "stream/test_driver.h"

#include <cstdio>
#include <cstdlib>

namespace orderstream::stream {
namespace {

std::unique_ptr<log::Log> open_or_die(const std::string& dir) {
  log::LogOptions o;
  o.dir = dir;
  o.create_if_missing = true;
  o.map_size_bytes = 1ull << 30;
  auto log = log::Log::open(o);
  if (!log.ok()) {
    // A test fixture that cannot open its own temp dir cannot continue.
    std::fprintf(stderr, "TestDriver: %s\n", log.status().to_string().c_str());
    std::abort();
  }
  return std::move(log).value();
}

}  // namespace

TestDriver::TestDriver(std::string dir, const Topology& topology, int32_t partitions)
    : dir_(std::move(dir)), topology_(topology), partitions_(partitions) {
  Status st = reopen();
  if (!st.is_ok()) {
    std::fprintf(stderr, "TestDriver: %s\n", st.to_string().c_str());
    std::abort();
  }
}

TestDriver::~TestDriver() = default;

Status TestDriver::reopen() {
  runtime_.reset();
  log_.reset();
  log_ = open_or_die(dir_);
  RuntimeOptions o;
  o.partitions = partitions_;
  runtime_ = std::make_unique<Runtime>(*log_, topology_, o, nullptr);
  return runtime_->init();
}

Status TestDriver::pipe(const std::string& topic, std::optional<std::string> key,
                        std::optional<std::string> value, int64_t timestamp_ms, bool defer) {
  log::RecordData rd;
  if (key) rd.key = *key;
  if (value) rd.value = *value;
  rd.timestamp_ms = timestamp_ms;
  OS_RETURN_IF_ERROR(log_->append(topic, std::nullopt, std::span(&rd, 1)).status());
  return defer ? Status::ok() : advance();
}

Status TestDriver::advance() { return runtime_->run_until_idle(); }

Result<std::vector<OutputRecord>> TestDriver::read_output(const std::string& topic) {
  OS_ASSIGN_OR_RETURN(log::TopicInfo info, log_->topic(topic));
  auto& pos = read_positions_[topic];
  pos.resize(static_cast<size_t>(info.partitions), Offset(0));
  std::vector<OutputRecord> out;
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_->read_view());
  for (int32_t p = 0; p < info.partitions; ++p) {
    OS_ASSIGN_OR_RETURN(pos[static_cast<size_t>(p)],
                        view.scan({topic, PartitionId(p)}, pos[static_cast<size_t>(p)], SIZE_MAX,
                                  [&](const log::RecordView& r) {
                                    log::Record rec = log::Record::from_view(r);
                                    out.push_back(OutputRecord{topic, PartitionId(p), rec.offset,
                                                               rec.timestamp_ms, rec.key, rec.value});
                                    return true;
                                  }));
  }
  return out;
}

Result<std::vector<OutputRecord>> TestDriver::read_all(const std::string& topic) const {
  OS_ASSIGN_OR_RETURN(log::TopicInfo info, log_->topic(topic));
  std::vector<OutputRecord> out;
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_->read_view());
  for (int32_t p = 0; p < info.partitions; ++p) {
    OS_RETURN_IF_ERROR(view.scan({topic, PartitionId(p)}, Offset(0), SIZE_MAX, [&](const log::RecordView& r) {
                              log::Record rec = log::Record::from_view(r);
                              out.push_back(OutputRecord{topic, PartitionId(p), rec.offset,
                                                         rec.timestamp_ms, rec.key, rec.value});
                              return true;
                            }).status());
  }
  return out;
}

int64_t TestDriver::skipped_records() const {
  int64_t n = 0;
  for (const auto& t : runtime_->tasks()) n += t->skipped();
  return n;
}

Result<std::optional<std::string>> TestDriver::store_get(const std::string& sub_topology,
                                                         PartitionId p, const std::string& store,
                                                         const std::string& key) const {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_->read_view());
  OS_ASSIGN_OR_RETURN(std::optional<std::string_view> v,
                      view.get(scoped_store_name(sub_topology, p, store), key));
  if (!v) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*v));
}

Result<std::optional<std::string>> TestDriver::global_get(const std::string& store,
                                                          const std::string& key) const {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_->read_view());
  OS_ASSIGN_OR_RETURN(std::optional<std::string_view> v, view.get(global_store_name(store), key));
  if (!v) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*v));
}

}  // namespace orderstream::stream
