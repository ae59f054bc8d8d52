#include "server_metrics.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

#include "fieldsync/core/error.hpp"
#include "fieldsync/tools/http_get.hpp"

namespace fieldsync::loadgen {
// Named: the release build compiles the load generator as one unit, where every file's
// anonymous namespace is the same one.
namespace metrics_text {
namespace {

constexpr std::string_view kDuration = "fieldsync_request_duration_seconds";

std::optional<double> number(std::string_view text) {
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Calls `each(name_with_labels, value)` for every sample line of the Prometheus text format.
template <typename Each>
void for_each_sample(std::string_view text, Each each) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line.front() == '#') continue;
    const std::size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    if (auto value = number(line.substr(space + 1))) each(line.substr(0, space), *value);
  }
}

// The value of label `name` in `{a="x",b="y"}`, or "".
std::string_view label(std::string_view sample, std::string_view name) {
  const std::string key = std::string(name) + "=\"";
  const std::size_t at = sample.find(key);
  if (at == std::string_view::npos) return {};
  const std::size_t from = at + key.size();
  return sample.substr(from, sample.find('"', from) - from);
}

RequestTiming timing(std::string_view text, std::string_view request) {
  RequestTiming out;
  bool seen = false;
  for_each_sample(text, [&](std::string_view sample, double value) {
    if (!sample.starts_with(kDuration) || label(sample, "request") != request) return;
    const std::string_view suffix = sample.substr(kDuration.size(), sample.find('{') - kDuration.size());
    if (suffix == "_count") {
      out.count = value;
      seen = true;
    } else if (suffix == "_sum") {
      out.seconds = value;
    } else if (suffix == "_bucket") {
      if (auto bound = number(label(sample, "le"))) out.buckets.emplace_back(*bound, value);
    }
  });
  if (!seen) throw Error(ErrorCode::kProtocol, "GET /metrics has no " + std::string(kDuration) + " of " + std::string(request));
  std::sort(out.buckets.begin(), out.buckets.end());
  return out;
}

RequestTiming minus(const RequestTiming& after, const RequestTiming& before) {
  RequestTiming out{after.count - before.count, after.seconds - before.seconds, after.buckets};
  for (std::size_t i = 0; i < out.buckets.size() && i < before.buckets.size(); ++i) {
    out.buckets[i].second -= before.buckets[i].second;
  }
  return out;
}

}  // namespace
}  // namespace metrics_text

using metrics_text::for_each_sample;

double RequestTiming::slowest_at_most() const {
  if (count <= 0) return 0;
  for (const auto& [bound, within] : buckets) {
    if (within >= count) return bound;
  }
  return std::numeric_limits<double>::infinity();
}

ServerMetrics read_server_metrics(const std::string& sync_url) {
  const tools::HttpResponse response = tools::http_get(tools::parse_http_server(sync_url), "/metrics");
  if (response.status != 200) {
    throw Error(ErrorCode::kIo, "GET /metrics answered HTTP " + std::to_string(response.status));
  }
  ServerMetrics out;
  bool merged = false;
  for_each_sample(response.body, [&](std::string_view sample, double value) {
    if (sample == "fieldsync_records_merged_total") {
      out.records_merged = value;
      merged = true;
    }
  });
  if (!merged) throw Error(ErrorCode::kProtocol, "GET /metrics has no fieldsync_records_merged_total");
  out.hello = metrics_text::timing(response.body, "hello");
  out.push = metrics_text::timing(response.body, "push");
  out.pull = metrics_text::timing(response.body, "pull");
  return out;
}

ServerMetrics operator-(const ServerMetrics& after, const ServerMetrics& before) {
  using metrics_text::minus;
  return ServerMetrics{after.records_merged - before.records_merged, minus(after.hello, before.hello),
                       minus(after.push, before.push), minus(after.pull, before.pull)};
}

}  // namespace fieldsync::loadgen
