// The SQL catalog: the streams and tables SQL knows (the product's own topics pre-declared, plus
// those created by statements) and the persistent queries. Persisted as the statements that made
// them in the compacted topic __sql_catalog (key "source/<NAME>", value "<query id>\n<statement>";
// a tombstone on DROP), so a restart replays them and re-creates the queries under the same ids
// (which are their consumer groups and store scopes). Not thread-safe: the Engine serialises use.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "log/log.h"
#include "sql/ast.h"

namespace orderstream::sql {

inline constexpr const char* kCatalogTopic = "__sql_catalog";

struct SourceDef {
  std::string name;  // as declared
  bool is_table = false;
  std::string topic;
  std::vector<ColumnDef> columns;
  bool builtin = false;
  bool windowed = false;  // a windowed aggregate: one row per (key, window)
  std::string statement;  // the CREATE statement (empty for built-ins)
  std::string query_id;   // the persistent query writing it ("" for none)
  bool derived = false;   // made by CREATE ... AS SELECT
};

// A catalog entry as persisted: replayed in offset order.
struct CatalogEntry {
  std::string name;
  std::string query_id;
  std::string statement;
};

class Catalog {
 public:
  // The built-in sources only.
  Catalog();

  const SourceDef* find(std::string_view name) const;  // case-insensitive
  std::vector<const SourceDef*> sources() const;      // in name order
  void put(SourceDef def);
  void erase(std::string_view name);

  // Reads the persisted entries (latest per name, in the order they were written). A log without
  // the catalog topic has none.
  static Result<std::vector<CatalogEntry>> read_entries(log::Log& log);
  // Appends an entry (or a tombstone when statement is empty); creates the topic when missing.
  static Status write_entry(log::Log& log, const CatalogEntry& entry);

 private:
  std::map<std::string, SourceDef> sources_;  // by upper-cased name
};

}  // namespace orderstream::sql
