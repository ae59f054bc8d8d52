#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/version_vector.hpp"

namespace fieldsync {

class Replica;

// The people behind the replica ids in a record's dots, as the server's user directory
// (GET /users) names them. A phone keeps the directory in its settings, so that conflicts
// name "Anna Weber" rather than a device id, offline too.
struct Person {
  std::string user;          // the sign-in name
  std::string display_name;  // empty: the sign-in name

  // "Anna Weber (anna)"; the sign-in name alone when it is the display name too.
  std::string label() const;
};

struct DeviceOwner {
  ReplicaId device;
  Person person;
};

// The devices of the directory's body (a JSON array of users, each with "name",
// "display_name" and "devices"). Throws Error(kInvalidArgument) for a body of another shape.
std::vector<DeviceOwner> parse_user_directory(std::string_view json);

// Keeps `owners` in the replica, replacing what it knew of those devices.
void remember_people(Replica& replica, std::span<const DeviceOwner> owners);

std::optional<Person> person_of(const Replica& replica, const ReplicaId& device);

// "Anna Weber" for a known device, else "device 214f94ea" (the id's first eight digits).
std::string who_wrote(const Replica& replica, const ReplicaId& device);

}  // namespace fieldsync
