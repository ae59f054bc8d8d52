#include "fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace fieldsync::server {

std::uint64_t raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur != RLIM_INFINITY && (limit.rlim_max == RLIM_INFINITY || limit.rlim_cur < limit.rlim_max)) {
    rlimit raised = limit;
    // An unlimited hard limit cannot be the soft one (the kernel caps it at nr_open).
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::uint64_t{1} << 20 : static_cast<std::uint64_t>(limit.rlim_cur);
}

ConnectionCaps connection_caps(const Limits& limits, std::uint64_t descriptors) {
  const std::uint64_t room = descriptors > 2 * kReservedDescriptors ? descriptors - kReservedDescriptors
                                                                    : std::max<std::uint64_t>(descriptors / 2, 1);
  ConnectionCaps caps;
  caps.total = static_cast<std::size_t>(room);
  if (limits.max_connections != 0) {
    caps.lowered = limits.max_connections > room;
    caps.total = std::min<std::size_t>(limits.max_connections, caps.total);
  }
  caps.per_address = std::min(limits.max_connections_per_address, caps.total);
  return caps;
}

}  // namespace fieldsync::server
