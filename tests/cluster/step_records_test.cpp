// step_records: a task step fed records from outside the embedded log (as the Kafka backend
// feeds them) through StreamTask::process, and what that step writes to a cluster: outputs,
// changelog records on the task's partition (deletes as tombstones), the new input positions.
#include "cluster/step_records.h"

#include <doctest/doctest.h>

#include "log/log.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

using namespace orderstream;

namespace {

// Keeps a "seen" store: "del" deletes the key, anything else stores the value and emits it.
class Recorder final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    std::string key(*r.key), value(*r.value);
    if (value == "del") {
      ctx.del("seen#idx", key);
      return Status::ok();
    }
    ctx.put("seen#idx", key, value);
    ctx.emit("out", key, value + "!", r.timestamp_ms);
    return Status::ok();
  }
};

// A record in the log's stored form, for a RecordView the step reads (the buffer must live on).
log::RecordView view_of(Offset off, const std::string& key, const std::string& value, int64_t ts, std::string* buf) {
  log::RecordData rd;
  rd.key = key;
  rd.value = value;
  rd.timestamp_ms = ts;
  buf->resize(log::encoded_size(rd));
  log::encode_record_to(off, ts, rd, buf->data(), buf->size());
  log::RecordView v;
  REQUIRE_OK(log::decode_record(off, *buf, &v));
  return v;
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("a step fed outside records yields its outputs, changelog records and positions") {
    test::TempDir dir("os-steprec");
    log::LogOptions lo;
    lo.dir = dir.str();
    lo.create_if_missing = true;
    auto lg = log::Log::open(lo);
    REQUIRE_OK(lg);
    log::Log& log = **lg;
    REQUIRE_OK(log.create_topic("in", 4, {}));
    REQUIRE_OK(log.create_topic("out", 4, {}));
    stream::SubTopology sub{"recorder/v1", "svc", {"in"}, {"seen#idx"},
                            [](PartitionId) { return std::make_unique<Recorder>(); }, false};
    stream::StreamTask task(log, sub, PartitionId(3), 100);

    std::vector<std::string> bufs(3);
    stream::TaskInput in;
    in.tp = {"in", PartitionId(3)};
    in.records = {view_of(Offset(10), "a", "1", 1000, &bufs[0]), view_of(Offset(11), "b", "2", 1001, &bufs[1]),
                  view_of(Offset(12), "a", "del", 1002, &bufs[2])};
    in.scanned_to = Offset(13);
    auto view = log.read_view();
    REQUIRE_OK(view);
    std::vector<stream::TaskInput> inputs{in};
    auto step = task.process(*view, inputs, Status::ok(), std::chrono::steady_clock::now());
    REQUIRE_OK(step);
    REQUIRE(*step);

    std::vector<cluster::OutRecord> records = cluster::step_records(**step, sub, PartitionId(3), "orderstream");
    REQUIRE(records.size() == 4);  // two outputs, then two state changes (a deleted, b stored)
    CHECK(records[0].topic == "out");
    CHECK(records[0].key == "a");
    CHECK(records[0].value == "1!");
    CHECK(records[0].timestamp_ms == 1000);
    CHECK(!records[0].partition.has_value());  // keyed: the producer's murmur2_random picks
    CHECK(records[1].value == "2!");
    std::map<std::string, std::optional<std::string>> changelog;
    for (size_t i = 2; i < records.size(); ++i) {
      CHECK(records[i].topic == "orderstream-recorder.v1-seen.idx-changelog");
      CHECK(records[i].partition == 3);
      changelog[std::string(*records[i].key)] =
          records[i].value ? std::optional<std::string>(*records[i].value) : std::nullopt;
    }
    CHECK(changelog == std::map<std::string, std::optional<std::string>>{{"a", std::nullopt}, {"b", "2"}});

    std::vector<cluster::InputPosition> positions = cluster::step_positions(**step);
    REQUIRE(positions.size() == 1);
    CHECK(positions[0].topic == "in");
    CHECK(positions[0].partition == 3);
    CHECK(positions[0].next == 13);

    stream::SubTopology global = sub;
    global.global = true;
    CHECK(cluster::step_records(**step, global, PartitionId(0), "orderstream").size() == 2);  // outputs only
  }
}
