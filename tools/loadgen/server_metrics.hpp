#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fieldsync::loadgen {

// The time a server took for one kind of request (fieldsync_request_duration_seconds).
struct RequestTiming {
  double count = 0;
  double seconds = 0;  // summed over the requests: from the decoded frame to the reply
  std::vector<std::pair<double, double>> buckets;  // (upper bound in s, requests at or under it), ascending

  // The smallest bucket bound that holds every request: the slowest took at most this (0: none).
  double slowest_at_most() const;
};

// What the server's GET /metrics says of its requests, read over HTTP from the sync URL's
// host and port (ws:// only: the load generator's servers run without TLS).
struct ServerMetrics {
  double records_merged = 0;  // fieldsync_records_merged_total
  RequestTiming hello, push, pull;
};

// Throws Error when the server does not answer or a figure is missing.
ServerMetrics read_server_metrics(const std::string& sync_url);

// What happened between two readings.
ServerMetrics operator-(const ServerMetrics& after, const ServerMetrics& before);

}  // namespace fieldsync::loadgen
