#include "server_metrics.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include "fieldsync/core/error.hpp"
#include "fieldsync/tools/http_get.hpp"

namespace fieldsync::loadgen {
namespace {

// The value of an unlabelled sample `name` in the Prometheus text format.
std::optional<double> prometheus_sample(std::string_view text, std::string_view name) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with(name) || line.size() <= name.size() + 1 || line[name.size()] != ' ') continue;
    const std::string_view number = line.substr(name.size() + 1);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec == std::errc{}) return value;
  }
  return std::nullopt;
}

}  // namespace

PushMetrics read_push_metrics(const std::string& sync_url) {
  const tools::HttpResponse response = tools::http_get(tools::parse_http_server(sync_url), "/metrics");
  if (response.status != 200) {
    throw Error(ErrorCode::kIo, "GET /metrics answered HTTP " + std::to_string(response.status));
  }
  auto need = [&](std::string_view name) {
    if (auto value = prometheus_sample(response.body, name)) return *value;
    throw Error(ErrorCode::kProtocol, "GET /metrics has no " + std::string(name));
  };
  return PushMetrics{need("fieldsync_records_merged_total"), need("fieldsync_push_duration_seconds_count"),
                     need("fieldsync_push_duration_seconds_sum")};
}

PushMetrics operator-(const PushMetrics& after, const PushMetrics& before) {
  return PushMetrics{after.records_merged - before.records_merged, after.pushes - before.pushes,
                     after.push_seconds - before.push_seconds};
}

}  // namespace fieldsync::loadgen
