// The log's and the write pipeline's metrics for `serve`.
#pragma once

#include "common/metrics.h"
#include "log/log.h"

namespace orderstream::cli {

// The write pipeline's own metrics. Before anything writes: set_metrics is not synchronized.
void add_write_metrics(metrics::Registry& registry, log::Log& log);
// The log's counters, health and per-partition state. After the topics exist: it names every
// partition of every topic.
void add_log_metrics(metrics::Registry& registry, log::Log& log);

}  // namespace orderstream::cli
