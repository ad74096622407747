#include "sql/catalog.h"

#include "log/write_txn.h"
#include "services/topics.h"

namespace orderstream::sql {

namespace {

ColumnDef col(const char* name, SqlType type, bool key = false) { return ColumnDef{name, type, key, {}}; }

// The product's own topics (docs/reference.md "JSON bodies"), so its statements work on a fresh server.
std::vector<SourceDef> builtins() {
  namespace t = services::topics;
  using enum SqlType;
  return {
      {"orders", false, t::kOrders,
       {col("id", kVarchar, true), col("customerId", kBigint), col("state", kVarchar),
        col("product", kVarchar), col("quantity", kInt), col("price", kDouble)},
       true, false, "", ""},
      {"order_validations", false, t::kOrderValidations,
       {col("orderId", kVarchar, true), col("checkType", kVarchar), col("validationResult", kVarchar)},
       true, false, "", ""},
      {"payments", false, t::kPayments,
       {col("id", kVarchar, true), col("orderId", kVarchar), col("ccy", kVarchar), col("amount", kDouble)},
       true, false, "", ""},
      {"customers", true, t::kCustomers,
       {col("id", kBigint, true), col("firstName", kVarchar), col("lastName", kVarchar),
        col("email", kVarchar), col("address", kVarchar), col("level", kVarchar)},
       true, false, "", ""},
      {"warehouse_inventory", true, t::kWarehouseInventory,
       {col("product", kVarchar, true), col("stock", kBigint)}, true, false, "", ""},
  };
}

}  // namespace

Catalog::Catalog() {
  for (SourceDef& d : builtins()) put(std::move(d));
}

const SourceDef* Catalog::find(std::string_view name) const {
  auto it = sources_.find(upper_name(name));
  return it == sources_.end() ? nullptr : &it->second;
}

std::vector<const SourceDef*> Catalog::sources() const {
  std::vector<const SourceDef*> out;
  for (const auto& [k, v] : sources_) out.push_back(&v);
  return out;
}

void Catalog::put(SourceDef def) {
  std::string key = upper_name(def.name);
  sources_.insert_or_assign(std::move(key), std::move(def));
}

void Catalog::erase(std::string_view name) { sources_.erase(upper_name(name)); }

Result<std::vector<CatalogEntry>> Catalog::read_entries(log::Log& log) {
  std::vector<CatalogEntry> out;
  if (!log.topic(kCatalogTopic).ok()) return out;
  OS_ASSIGN_OR_RETURN(log::ReadView view, log.read_view());
  std::map<std::string, std::pair<Offset, std::optional<CatalogEntry>>> latest;
  log::TopicPartition tp{kCatalogTopic, PartitionId(0)};
  auto scanned = view.scan(tp, Offset(0), SIZE_MAX, [&](const log::RecordView& r) {
    if (!r.key || r.key->substr(0, 7) != "source/") return true;
    std::optional<CatalogEntry> e;
    if (r.value) {
      size_t nl = r.value->find('\n');
      if (nl == std::string_view::npos) return true;
      e = CatalogEntry{std::string(r.key->substr(7)), std::string(r.value->substr(0, nl)),
                       std::string(r.value->substr(nl + 1))};
    }
    latest[std::string(*r.key)] = {r.offset, std::move(e)};
    return true;
  });
  if (!scanned.ok()) return scanned.status();
  std::map<Offset, CatalogEntry> ordered;
  for (auto& [key, entry] : latest)
    if (entry.second) ordered.emplace(entry.first, std::move(*entry.second));
  for (auto& [offset, e] : ordered) out.push_back(std::move(e));
  return out;
}

Status Catalog::write_entry(log::Log& log, const CatalogEntry& entry) {
  if (!log.topic(kCatalogTopic).ok()) {
    log::TopicConfig config;
    config.cleanup_policy = log::CleanupPolicy::kCompact;
    config.retention_ms = -1;
    Status st = log.create_topic(kCatalogTopic, 1, config);
    if (!st.is_ok() && st.code() != StatusCode::kConflict) return st;
  }
  std::string key = "source/" + upper_name(entry.name);
  std::string value = entry.query_id + "\n" + entry.statement;
  log::RecordData r;
  r.key = key;
  if (!entry.statement.empty()) r.value = value;
  auto appended = log.append(kCatalogTopic, PartitionId(0), std::span<const log::RecordData>(&r, 1));
  return appended.ok() ? Status::ok() : appended.status();
}

}  // namespace orderstream::sql
