#pragma once

#include <string>

namespace fieldsync::loadgen {

// What the server's GET /metrics says of its pushes, read over HTTP from the sync URL's
// host and port (ws:// only: the load generator's servers run without TLS).
struct PushMetrics {
  double records_merged = 0;  // fieldsync_records_merged_total
  double pushes = 0;          // fieldsync_push_duration_seconds_count
  double push_seconds = 0;    // fieldsync_push_duration_seconds_sum: decode to ack, server side
};

// Throws Error when the server does not answer or the figures are missing.
PushMetrics read_push_metrics(const std::string& sync_url);

// The pushes between two readings.
PushMetrics operator-(const PushMetrics& after, const PushMetrics& before);

}  // namespace fieldsync::loadgen
