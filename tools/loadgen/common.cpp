#include "common.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "fieldsync/core/error.hpp"

namespace fieldsync::loadgen {

std::uint64_t wall_clock_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

ScratchDir::ScratchDir(const std::string& parent) {
  std::error_code ec;
  const std::filesystem::path base = parent.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent);
  std::random_device random;
  path_ = base / ("fieldsync-loadgen-" + std::to_string(random()) + std::to_string(random()));
  if (!std::filesystem::create_directories(path_, ec) || ec) {
    throw Error(ErrorCode::kIo, "cannot create " + path_.string() + ": " + ec.message());
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

constexpr const char* kCustomerTiers[] = {"vip", "potential", "regular"};
constexpr const char* kCustomerIndustries[] = {"retail", "hospitality", "construction", "healthcare",
                                               "logistics", "agriculture"};
constexpr const char* kCustomerStreets[] = {"Quay Street", "Elm Row", "Market Place", "Castle Hill"};

std::string zero_padded(std::size_t n, std::size_t width) {
  std::string digits = std::to_string(n);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

}  // namespace

FieldValues customer_fields(std::size_t n, const std::string& territory) {
  std::string name = "Loadgen Customer ";
  name.append(zero_padded(n, 7)).append(" Ltd");
  std::string address = std::to_string(1 + n % 300);
  address.append(" ").append(kCustomerStreets[n % 4]).append(", Leeds LS1 ").append(zero_padded(n % 1000, 3));
  std::string phone = "+44 113 496 ";
  phone.append(zero_padded(n % 10'000, 4));
  std::string email = "orders.";
  email.append(zero_padded(n, 7)).append("@example.org");
  return {
      {"name", Value(std::move(name))},
      {"tier", Value(std::string(kCustomerTiers[n % 3]))},
      {"industry", Value(std::string(kCustomerIndustries[n % 6]))},
      {"phone", Value(std::move(phone))},
      {"email", Value(std::move(email))},
      {"address", Value(std::move(address))},
      {"territory", Value(territory)},
  };
}

std::vector<RecordId> create_customers(Replica& replica, std::size_t first, std::size_t count,
                                       const std::string& territory) {
  std::vector<RecordId> ids;
  ids.reserve(count);
  replica.transaction([&] {
    for (std::size_t n = first; n < first + count; ++n) ids.push_back(replica.create("customers", customer_fields(n, territory)));
  });
  return ids;
}

Distribution distribution(std::vector<double> sample) {
  Distribution d;
  if (sample.empty()) return d;
  std::sort(sample.begin(), sample.end());
  // Nearest rank: the smallest value with at least q of the sample at or below it.
  auto rank = [&](double q) {
    auto index = static_cast<std::size_t>(q * static_cast<double>(sample.size()) + 0.999999);
    return sample[std::min(sample.size(), std::max<std::size_t>(index, 1)) - 1];
  };
  d.count = sample.size();
  d.min = sample.front();
  d.max = sample.back();
  d.p50 = rank(0.50);
  d.p90 = rank(0.90);
  d.p99 = rank(0.99);
  d.mean = std::accumulate(sample.begin(), sample.end(), 0.0) / static_cast<double>(sample.size());
  return d;
}

std::size_t resident_kib(int pid, const char* key) {
  std::ifstream status(pid == 0 ? std::string("/proc/self/status") : "/proc/" + std::to_string(pid) + "/status");
  const std::string prefix = std::string(key) + ":";
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream fields(line.substr(prefix.size()));
    std::size_t kib = 0;
    fields >> kib;
    return kib;
  }
  return 0;
}

double cpu_seconds(int pid) {
  std::ifstream file(pid == 0 ? std::string("/proc/self/stat") : "/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto name_end = text.rfind(')');  // the name may hold spaces
  if (name_end == std::string::npos) return 0;
  std::istringstream fields(text.substr(name_end + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // After the name: state is field 3; utime and stime are fields 14 and 15.
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n == 14) utime = std::stoull(field);
    if (n == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(file >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

std::size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace fieldsync::loadgen
