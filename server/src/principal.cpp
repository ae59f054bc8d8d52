#include "fieldsync/server/principal.hpp"

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

}  // namespace fieldsync::server
