// Why the FAILED orders of an `orderstream load` run failed: their results other than PASS in the
// server's order-validations topic, read over Server-Sent Events (GET /v1/topics/.../stream) from
// where the topic ended when the run started. Single-threaded: the load command's thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace orderstream::cli {

// Where order-validations ends now, as the SSE cursor "<partition>-<offset>,..." (the last
// record of each partition), or "" when the server did not answer one.
std::string validations_cursor(const std::string& host, const std::string& port);

struct FailureCounts {
  // "INVENTORY_CHECK FAIL" -> how many orders of the sample had that result (an order with two
  // failing checks counts under both).
  std::map<std::string, int64_t> by_check;
  int64_t unexplained = 0;  // orders of the sample with no result other than PASS in the topic
};

// Reads order-validations from the cursor `from` ("" = from the earliest records) up to where it
// ends when called, and counts the results other than PASS of the orders in `ids`. IOError when
// the stream could not be read (the message says why).
Result<FailureCounts> explain_failures(const std::string& host, const std::string& port,
                                       const std::string& from, const std::vector<std::string>& ids);

// The counts in one line: "INVENTORY_CHECK FAIL 100, FRAUD_CHECK FAIL 3" (and "N unexplained").
std::string describe(const FailureCounts& counts);
// One line per (check, result) in `counts`: its usual cause in a load run and what helps.
std::vector<std::string> failure_hints(const FailureCounts& counts);

}  // namespace orderstream::cli
