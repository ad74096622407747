#include "cluster/partition_reader.h"

#include "cluster/rd_types.h"

namespace orderstream::cluster {
namespace {

PartitionList make_list(const std::string& topic, const std::vector<int32_t>& partitions) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (int32_t p : partitions) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  return list;
}

std::optional<std::string_view> bytes(const void* p, size_t n) {
  if (p == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(p), n);
}

// The message's headers in the log's form (none: empty).
std::vector<log::Header> headers_of(const rd_kafka_message_t* m) {
  std::vector<log::Header> out;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    auto v = bytes(value, size);
    out.push_back(log::Header{name, v ? std::optional<std::string>(*v) : std::nullopt});
  }
  return out;
}

}  // namespace

PartitionReader::~PartitionReader() {
  if (assigned_) (void)rd_kafka_assign(client_.get(), nullptr);
}

Status PartitionReader::assign(const std::vector<PartitionStart>& starts) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(starts.size())));
  for (const PartitionStart& s : starts)
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), s.partition)->offset = s.offset;
  OS_RETURN_IF_ERROR(kafka_status(rd_kafka_assign(client_.get(), list.get()), "assigning " + topic_));
  assigned_ = true;
  return Status::ok();
}

Status PartitionReader::poll(std::chrono::milliseconds wait, const RecordFn& fn,
                             const std::function<void(int32_t partition)>& on_end) {
  int timeout = static_cast<int>(wait.count());
  for (;;) {
    Message m(rd_kafka_consumer_poll(client_.get(), timeout));
    if (!m) return Status::ok();
    timeout = 0;  // drain what is ready, then hand back
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      on_end(m->partition);
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return message_status(m.get(), client_, "reading");
    }
    rd_kafka_timestamp_type_t type;
    int64_t ts = rd_kafka_message_timestamp(m.get(), &type);
    std::vector<log::Header> hs = headers_of(m.get());
    log::RecordData rd;
    rd.key = bytes(m->key, m->key_len);
    rd.value = bytes(m->payload, m->len);
    rd.timestamp_ms = ts < 0 ? 0 : ts;
    rd.headers = hs;
    // The log's own encoding, so RecordView (and every formatter over it) serves both sources.
    buffer_.resize(log::encoded_size(rd));
    Offset off(m->offset);
    log::encode_record_to(off, rd.timestamp_ms, rd, buffer_.data(), buffer_.size());
    log::RecordView view;
    OS_RETURN_IF_ERROR(log::decode_record(off, buffer_, &view));
    if (!fn(m->partition, view)) return Status::ok();
  }
}

Result<std::vector<std::optional<int64_t>>> committed_offsets(KafkaClient& client, const std::string& topic,
                                                              const std::vector<int32_t>& partitions) {
  PartitionList list = make_list(topic, partitions);
  OS_RETURN_IF_ERROR(kafka_status(rd_kafka_committed(client.get(), list.get(), client.timeout_ms()),
                                  "committed offsets from " + client.where()));
  std::vector<std::optional<int64_t>> out;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    OS_RETURN_IF_ERROR(kafka_status(tp.err, "committed offset of " + topic + "/" + std::to_string(tp.partition)));
    out.push_back(tp.offset >= 0 ? std::optional<int64_t>(tp.offset) : std::nullopt);
  }
  return out;
}

Status commit_offsets(KafkaClient& client, const std::string& topic,
                      const std::vector<std::pair<int32_t, int64_t>>& next) {
  if (next.empty()) return Status::ok();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
  for (const auto& [p, off] : next) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = off;
  OS_RETURN_IF_ERROR(kafka_status(rd_kafka_commit(client.get(), list.get(), /*async=*/0),
                                  "committing offsets to " + client.where()));
  for (int i = 0; i < list->cnt; ++i)
    OS_RETURN_IF_ERROR(kafka_status(list->elems[i].err, "committing " + topic + "/" +
                                                            std::to_string(list->elems[i].partition)));
  return Status::ok();
}

Result<std::vector<int64_t>> offsets_for_time(KafkaClient& client, const std::string& topic,
                                              const std::vector<int32_t>& partitions, int64_t ms) {
  PartitionList list = make_list(topic, partitions);
  for (int i = 0; i < list->cnt; ++i) list->elems[i].offset = ms;
  OS_RETURN_IF_ERROR(kafka_status(rd_kafka_offsets_for_times(client.get(), list.get(), client.timeout_ms()),
                                  "offsets by time from " + client.where()));
  std::vector<int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    OS_RETURN_IF_ERROR(kafka_status(list->elems[i].err, "offset by time of " + topic + "/" +
                                                            std::to_string(list->elems[i].partition)));
    out.push_back(list->elems[i].offset);  // -1 (end) when no record is that late
  }
  return out;
}

Status read_partition_to_end(KafkaClient& client, const std::string& topic, int32_t p, int64_t end,
                             const std::function<void(const log::RecordView& r)>& fn,
                             const std::function<Status(bool done)>& flush, const std::string& what) {
  PartitionReader reader(client, topic);
  OS_RETURN_IF_ERROR(reader.assign({{p, kOffsetBeginning}}));
  bool done = false;
  auto last_progress = std::chrono::steady_clock::now();
  while (!done) {
    bool progressed = false;
    OS_RETURN_IF_ERROR(reader.poll(
        std::chrono::milliseconds(100),
        [&](int32_t, const log::RecordView& r) {
          progressed = true;
          fn(r);
          done = r.offset.v + 1 >= end;
          return !done;
        },
        [&](int32_t) { done = true; }));
    OS_RETURN_IF_ERROR(flush(done));
    auto now = std::chrono::steady_clock::now();
    if (progressed) last_progress = now;
    if (!done && now - last_progress > client.options().timeout)
      return timed_out(what + " '" + topic + "' partition " + std::to_string(p) + ": no records from " +
                       client.where() + " for " + std::to_string(client.timeout_ms()) + " ms before its end (" +
                       std::to_string(end) + ")");
  }
  return Status::ok();
}

}  // namespace orderstream::cluster
