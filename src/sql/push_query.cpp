#include "sql/push_query.h"


#include "sql/eval.h"
#include "sql/row_codec.h"

namespace orderstream::sql {

Result<std::unique_ptr<PushQuery>> PushQuery::start(log::Log& log, std::shared_ptr<const SelectPlan> plan,
                                                    bool from_beginning) {
  const std::string& topic = plan->left.topic;
  auto info = log.topic(topic);
  if (!info.ok()) return not_found("topic '" + topic + "' of " + plan->left.name + " does not exist yet");
  std::unique_ptr<PushQuery> q(new PushQuery(log, std::move(plan)));
  OS_ASSIGN_OR_RETURN(log::ReadView view, log.read_view());
  for (int32_t p = 0; p < info->partitions; ++p) {
    OS_ASSIGN_OR_RETURN(log::PartitionInfo pi, view.partition_info({topic, PartitionId(p)}));
    q->next_.push_back(from_beginning ? pi.start : pi.end);
  }
  return q;
}

std::vector<SqlType> PushQuery::column_types() const {
  std::vector<SqlType> out;
  for (const ColumnDef& c : plan_->output_columns()) out.push_back(c.type);
  return out;
}

Status PushQuery::read_new(std::vector<std::vector<Value>>* rows, bool* any) {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  const SelectPlan& p = *plan_;
  std::vector<Value> row = p.empty_row();
  for (size_t part = 0; part < next_.size() && !done(); ++part) {
    log::TopicPartition tp{p.left.topic, PartitionId(static_cast<int32_t>(part))};
    auto next = view.scan(tp, next_[part], 1000, [&](const log::RecordView& r) {
      *any = true;
      if (!r.value) return true;
      if (!decode_row(p.left.columns, r.key, r.value, r.timestamp_ms, &row, p.left_offset).is_ok()) {
        ++skipped_;
        return true;
      }
      EvalInput in{row};
      if (p.where && !is_true(eval(*p.where, in))) return true;
      std::vector<Value> out;
      for (const ExprPtr& e : p.projections) out.push_back(eval(*e, in));
      rows->push_back(std::move(out));
      ++emitted_;
      return !done();
    });
    if (!next.ok()) return next.status();
    next_[part] = *next;
  }
  return Status::ok();
}

Status PushQuery::poll(std::vector<std::vector<Value>>* rows, std::chrono::milliseconds wait) {
  if (done()) return Status::ok();
  uint64_t seen = log_.version();
  bool any = false;
  OS_RETURN_IF_ERROR(read_new(rows, &any));
  if (any || wait.count() <= 0) return Status::ok();
  log_.wait_for_change(seen, wait);
  return read_new(rows, &any);
}

}  // namespace orderstream::sql
