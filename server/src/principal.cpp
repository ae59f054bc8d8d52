#include "fieldsync/server/principal.hpp"

#include <algorithm>

namespace fieldsync::server {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kRep: return "rep";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "rep") return Role::kRep;
  if (text == "supervisor") return Role::kSupervisor;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string scope_key(const Principal& principal) {
  std::string key(role_name(principal.role));
  if (principal.sees_everything()) return key;
  std::vector<std::string> territories = principal.territories;
  std::sort(territories.begin(), territories.end());
  territories.erase(std::unique(territories.begin(), territories.end()), territories.end());
  key += ':';
  for (std::size_t i = 0; i < territories.size(); ++i) key += (i ? "," : "") + territories[i];
  return key;
}

}  // namespace fieldsync::server
