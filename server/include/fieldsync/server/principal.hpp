#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldsync::server {

enum class Role { kRep, kSupervisor, kAdmin };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Principal;
// What a principal may read, as one text ("rep:east,north", "supervisor"): equal keys read
// the same records. Territories are sorted, so their order does not matter.
std::string scope_key(const Principal& principal);

// Who is on the other end of a connection, as established by their token.
struct Principal {
  std::string user;
  Role role = Role::kRep;
  std::vector<std::string> territories;  // a rep's territories; ignored for other roles
  std::string token_id{};                // the token it authenticated with (its public id)

  bool sees_everything() const { return role != Role::kRep; }
  bool covers(std::string_view territory) const {
    return sees_everything() || std::find(territories.begin(), territories.end(), territory) != territories.end();
  }
};

}  // namespace fieldsync::server
