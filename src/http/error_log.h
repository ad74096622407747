// Rate-limited logging of connection-level errors to stderr, so a flood of bad clients cannot
// flood the log. Thread-safe.
#pragma once

#include <boost/system/error_code.hpp>

namespace orderstream::http {

// True for the errors a client causes by simply going away (connection reset, broken pipe, end of
// stream): how connections normally end, not worth a line in the server's log.
bool is_client_disconnect(const boost::system::error_code& ec);

// Logs "http: <op>: <message>" at most about once per second process-wide; suppressed lines are
// counted and reported with the next line that gets through. The ec overload logs nothing for
// is_client_disconnect(ec).
void log_rate_limited(const char* op, const boost::system::error_code& ec);
void log_rate_limited(const char* op, const char* message);

}  // namespace orderstream::http
