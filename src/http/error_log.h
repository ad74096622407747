// Rate-limited logging of connection-level errors to stderr, so a flood of bad clients cannot
// flood the log. Thread-safe.
#pragma once

#include <boost/system/error_code.hpp>

namespace orderstream::http {

// Logs "http: <op>: <message>" at most about once per second process-wide; suppressed lines are
// counted and reported with the next line that gets through.
void log_rate_limited(const char* op, const boost::system::error_code& ec);
void log_rate_limited(const char* op, const char* message);

}  // namespace orderstream::http
