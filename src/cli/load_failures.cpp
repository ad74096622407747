#include "cli/load_failures.h"

#include "cli/load_client.h"
#include "services/json_codec.h"
#include "services/model.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace orderstream::cli {
namespace {

constexpr const char* kStream = "/v1/topics/order-validations/stream?timeout=0";

// "0-41,2-7" -> {0: 41, 2: 7}: the last offset delivered per partition (a partition left out:
// none yet).
std::map<int64_t, int64_t> parse_cursor(std::string_view s) {
  std::map<int64_t, int64_t> out;
  while (!s.empty()) {
    std::string_view item = s.substr(0, s.find(','));
    s = item.size() < s.size() ? s.substr(item.size() + 1) : std::string_view();
    size_t dash = item.find('-');
    int64_t p = 0, o = 0;
    if (dash == std::string_view::npos) continue;
    auto [pe, pec] = std::from_chars(item.data(), item.data() + dash, p);
    auto [oe, oec] = std::from_chars(item.data() + dash + 1, item.data() + item.size(), o);
    if (pec == std::errc() && oec == std::errc()) out[p] = o;
  }
  return out;
}

// True when `at` is at or past `end` on every partition of `end`.
bool reached(const std::string& at, const std::map<int64_t, int64_t>& end) {
  std::map<int64_t, int64_t> pos = parse_cursor(at);
  for (const auto& [p, o] : end)
    if (auto it = pos.find(p); it == pos.end() || it->second < o) return false;
  return true;
}

// The results other than PASS seen per order of the sample, one bit per (check, result).
using Seen = std::unordered_map<std::string, uint32_t>;
constexpr size_t kResults = services::kAllValidationResults.size();

template <class E, size_t N>
size_t index_of(const std::array<E, N>& all, E v) {
  return static_cast<size_t>(std::find(all.begin(), all.end(), v) - all.begin());
}

// Reads one answer of the stream (the stream ends after one batch with timeout=0): its records'
// results go into *seen, its last event id into *cursor. Sets *records to how many it held.
Status read_batch(const std::string& host, const std::string& port, const std::string& target,
                  Seen* seen, std::string* cursor, int64_t* records) {
  simdjson::dom::parser parser;
  std::string line, event, data;
  Status failed = Status::ok();
  *records = 0;
  auto on_record = [&] {
    ++*records;
    simdjson::dom::element rec;
    std::string_view key;
    if (parser.parse(data).get(rec) != simdjson::SUCCESS || rec["key"].get(key) != simdjson::SUCCESS)
      return;
    auto it = seen->find(std::string(key));
    simdjson::dom::element value;
    if (it == seen->end() || rec["value"].get(value) != simdjson::SUCCESS) return;
    auto v = services::order_validation_from_json(simdjson::minify(value));
    if (!v.ok() || v->order_id != it->first || v->result == services::ValidationResult::kPass) return;
    it->second |= 1u << (index_of(services::kAllCheckTypes, v->check_type) * kResults +
                         index_of(services::kAllValidationResults, v->result));
  };
  auto on_line = [&](std::string_view l) {
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) {  // the end of an event
      if (event == "record") on_record();
      if (event == "error") failed = io_error("reading order-validations: " + data);
      event.clear();
      data.clear();
    } else if (l.rfind("id: ", 0) == 0) {
      *cursor = l.substr(4);
    } else if (l.rfind("event: ", 0) == 0) {
      event = l.substr(7);
    } else if (l.rfind("data: ", 0) == 0) {
      data = l.substr(6);
    }
  };
  HttpReply r = stream_get(host, port, target, [&](std::string_view piece) {
    for (size_t nl; (nl = piece.find('\n')) != std::string_view::npos; piece.remove_prefix(nl + 1)) {
      if (line.empty()) {
        on_line(piece.substr(0, nl));
      } else {
        line += piece.substr(0, nl);
        on_line(line);
        line.clear();
      }
    }
    line += piece;
    return failed.is_ok();
  });
  if (!failed.is_ok()) return failed;
  if (r.status != 200)
    return io_error("GET " + target + " answered " + std::to_string(r.status) + ": " + r.body);
  return Status::ok();
}

}  // namespace

std::string validations_cursor(const std::string& host, const std::string& port) {
  std::string cursor;
  Seen none;
  int64_t records = 0;
  if (!read_batch(host, port, std::string(kStream) + "&offset=latest", &none, &cursor, &records).is_ok())
    return "";
  return cursor;
}

Result<FailureCounts> explain_failures(const std::string& host, const std::string& port,
                                       const std::string& from, const std::vector<std::string>& ids) {
  Seen seen;
  for (const std::string& id : ids) seen.emplace(id, 0);
  // Up to where the topic ends now, so a topic that other clients keep growing still ends the
  // reading; each answer holds one batch (about 1 MB), so read until that end (or an empty one).
  std::map<int64_t, int64_t> end = parse_cursor(validations_cursor(host, port));
  std::string cursor = from;
  for (;;) {
    std::string target = std::string(kStream) + (cursor.empty() ? "&offset=earliest" : "&lastEventId=" + cursor);
    int64_t records = 0;
    if (Status st = read_batch(host, port, target, &seen, &cursor, &records); !st.is_ok()) return st;
    if (records == 0 || (!end.empty() && reached(cursor, end))) break;
  }
  FailureCounts out;
  for (const auto& [id, bits] : seen) {
    if (bits == 0) ++out.unexplained;
    for (size_t c = 0; c < services::kAllCheckTypes.size(); ++c)
      for (size_t r = 0; r < kResults; ++r)
        if (bits & (1u << (c * kResults + r)))
          ++out.by_check[std::string(services::to_string(services::kAllCheckTypes[c])) + " " +
                         std::string(services::to_string(services::kAllValidationResults[r]))];
  }
  return out;
}

std::string describe(const FailureCounts& counts) {
  std::string out;
  for (const auto& [what, n] : counts.by_check)
    out += (out.empty() ? "" : ", ") + what + " " + std::to_string(n);
  if (counts.unexplained > 0)
    out += (out.empty() ? "" : ", ") + std::to_string(counts.unexplained) + " without a failing check found";
  return out;
}

std::vector<std::string> failure_hints(const FailureCounts& counts) {
  std::vector<std::string> out;
  for (const auto& [what, n] : counts.by_check) {
    if (what == "INVENTORY_CHECK FAIL")
      out.push_back(what + ": not enough stock. An order passes only while stock - reserved covers its "
                    "quantity, and every order that passed keeps its units reserved (only a FAILED "
                    "order's are released); --stock N makes N units of each product available to a run");
    else if (what == "FRAUD_CHECK FAIL")
      out.push_back(what + ": a customer's orders in one session (orders less than 1 h apart, earlier "
                    "runs' included) reached 2000 in value (quantity x price, 1.0 each here); spread "
                    "them over more customers with --customers");
    else if (what == "ORDER_DETAILS_CHECK FAIL")
      out.push_back(what + ": bad order details (a negative quantity or price, or no product)");
    else
      out.push_back(what + ": the check could not decide; see the server's log");
  }
  if (counts.unexplained > 0)
    out.push_back("no failing check found in order-validations since the run started: an order id "
                  "posted before this run (the same --seed as an earlier run?) keeps its first outcome");
  return out;
}

}  // namespace orderstream::cli
