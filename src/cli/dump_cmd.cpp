// `orderstream dump`: kafka-dump-log for the embedded log. One line per stored record with its
// offset, CreateTime, key and value sizes, CRC and whether it is valid; continues past bad records.
#include <CLI/CLI.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

#include "cli/commands.h"

namespace orderstream::cli {
namespace {

struct DumpArgs {
  std::string topic;
  std::optional<int32_t> partition;
};

// The offset named by a decode error ("... record at offset N: ..."), if any.
std::optional<int64_t> bad_offset(const Status& st) {
  static constexpr std::string_view kMarker = "record at offset ";
  std::string_view m = st.message();
  size_t at = m.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  m.remove_prefix(at + kMarker.size());
  int64_t off = 0;
  auto [p, ec] = std::from_chars(m.data(), m.data() + m.size(), off);
  if (ec != std::errc()) return std::nullopt;
  return off;
}

// The stored (masked) CRC of a record that decoded cleanly. The log's encoding is deterministic,
// so re-encoding a verified record reproduces its stored bytes, CRC included.
uint32_t stored_crc(const log::RecordView& r) {
  std::vector<log::Header> headers = r.headers();
  log::RecordData d{r.key, r.value, r.timestamp_ms, headers};
  std::string enc;
  log::encode_record(r.offset, r.timestamp_ms, d, &enc);
  uint32_t crc = 0;
  for (int i = 0; i < 4; ++i) crc |= static_cast<uint32_t>(static_cast<uint8_t>(enc[i])) << (8 * i);
  return crc;
}

// Dumps one partition; counts records and invalid ones.
Status dump_partition(const log::ReadView& view, const log::TopicPartition& tp, int64_t* records,
                      int64_t* invalid) {
  OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tp));
  std::string out = "Dumping " + tp.to_string() + ": start offset " + std::to_string(info.start.v) +
                    ", end offset " + std::to_string(info.end.v) + ", " +
                    std::to_string(info.count) + " records, " + std::to_string(info.bytes) +
                    " bytes\n";
  Offset pos = info.start;
  char line[256];
  while (true) {
    auto next = view.scan(tp, pos, 4096, [&](const log::RecordView& r) {
      std::snprintf(line, sizeof(line),
                    "offset: %lld CreateTime: %lld keySize: %lld valueSize: %lld headers: %zu "
                    "size: %zu crc: %08x isValid: true\n",
                    static_cast<long long>(r.offset.v), static_cast<long long>(r.timestamp_ms),
                    r.key ? static_cast<long long>(r.key->size()) : -1LL,
                    r.value ? static_cast<long long>(r.value->size()) : -1LL, r.headers().size(),
                    r.stored_bytes, stored_crc(r));
      out += line;
      ++*records;
      return true;
    });
    if (!next.ok()) {
      std::optional<int64_t> off = bad_offset(next.status());
      if (next.status().code() != StatusCode::kCorruption || !off) return next.status();
      // Report the bad record and carry on after it, as kafka-dump-log does.
      out += "offset: " + std::to_string(*off) + " isValid: false error: " +
             next.status().message() + "\n";
      ++*records;
      ++*invalid;
      pos = Offset(*off + 1);
    } else if (*next == pos) {
      break;
    } else {
      pos = *next;
    }
    OS_ASSIGN_OR_RETURN(bool open, write_stdout(out));
    out.clear();
    if (!open) return aborted("stdout closed");
  }
  OS_ASSIGN_OR_RETURN(bool open, write_stdout(out));
  if (!open) return aborted("stdout closed");
  return Status::ok();
}

Status dump(const GlobalOptions& g, const DumpArgs& a) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  OS_ASSIGN_OR_RETURN(log::TopicInfo topic, log->topic(a.topic));
  if (a.partition && *a.partition >= topic.partitions)
    return not_found("partition " + std::to_string(*a.partition) + " of topic '" + topic.name +
                     "' does not exist (it has " + std::to_string(topic.partitions) +
                     " partitions)");
  std::signal(SIGPIPE, SIG_IGN);
  OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
  int64_t records = 0, invalid = 0;
  for (int32_t p = 0; p < topic.partitions; ++p) {
    if (a.partition && *a.partition != p) continue;
    Status st = dump_partition(view, log::TopicPartition{topic.name, PartitionId(p)}, &records,
                               &invalid);
    if (st.code() == StatusCode::kAborted) return Status::ok();  // the reader went away
    OS_RETURN_IF_ERROR(st);
  }
  if (invalid > 0)
    return corruption(std::to_string(invalid) + " of " + std::to_string(records) +
                      " records are invalid");
  return Status::ok();
}

}  // namespace

void add_dump_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto a = std::make_shared<DumpArgs>();
  CLI::App* c = app.add_subcommand(
      "dump", "One line per stored record: offset, CreateTime, sizes, CRC, validity");
  c->add_option("topic", a->topic, "Topic to dump")->required();
  c->add_option("--partition,-p", a->partition, "Only this partition (default: all)")
      // Not NonNegativeNumber: its error message prints DBL_MAX in full.
      ->check(CLI::Range(0, std::numeric_limits<int32_t>::max()));
  c->callback([=, g = &global] { *exit_code = report(dump(*g, *a)); });
}

}  // namespace orderstream::cli
