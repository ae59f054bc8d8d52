#include "measurement.hpp"

#include <algorithm>

namespace fieldsync::bench {

double Measurement::median_seconds() const {
  if (seconds.empty()) return 0;
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

double Measurement::min_seconds() const {
  return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end());
}

double Measurement::max_seconds() const {
  return seconds.empty() ? 0 : *std::max_element(seconds.begin(), seconds.end());
}

Measurement measure(std::string id, std::string label, std::size_t ops, int repeats,
                    const std::function<double()>& run) {
  Measurement m{std::move(id), std::move(label), ops, {}};
  m.seconds.reserve(static_cast<std::size_t>(repeats));
  for (int i = 0; i < repeats; ++i) m.seconds.push_back(run());
  return m;
}

}  // namespace fieldsync::bench
