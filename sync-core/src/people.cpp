#include "fieldsync/core/people.hpp"

#include <nlohmann/json.hpp>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"

namespace fieldsync {
namespace {

// One setting per device: "people.<replica id>" = user, a newline, display name.
std::string setting_key(const ReplicaId& device) { return "people." + device.to_string(); }

std::string text_of(const nlohmann::json& user, const char* key) {
  const auto it = user.find(key);
  if (it == user.end() || it->is_null()) return {};
  if (!it->is_string()) throw Error(ErrorCode::kInvalidArgument, std::string("user directory: '") + key + "' is not text");
  return it->get<std::string>();
}

}  // namespace

std::string Person::label() const {
  if (display_name.empty() || display_name == user) return user;
  return display_name + " (" + user + ")";
}

std::vector<DeviceOwner> parse_user_directory(std::string_view json) {
  const auto body = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!body.is_array()) throw Error(ErrorCode::kInvalidArgument, "user directory: not a JSON array of users");
  std::vector<DeviceOwner> owners;
  for (const auto& user : body) {
    if (!user.is_object()) throw Error(ErrorCode::kInvalidArgument, "user directory: a user is not an object");
    Person person{text_of(user, "name"), text_of(user, "display_name")};
    if (person.user.empty() || person.user.find('\n') != std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "user directory: a user without a usable name");
    }
    if (person.display_name.find('\n') != std::string::npos) person.display_name.clear();
    const auto devices = user.find("devices");
    if (devices == user.end()) continue;
    if (!devices->is_array()) throw Error(ErrorCode::kInvalidArgument, "user directory: 'devices' is not a list");
    for (const auto& device : *devices) {
      const auto id = device.is_string() ? Uuid::parse(device.get<std::string>()) : std::nullopt;
      if (!id) throw Error(ErrorCode::kInvalidArgument, "user directory: a device is not a replica id");
      owners.push_back({*id, person});
    }
  }
  return owners;
}

void remember_people(Replica& replica, std::span<const DeviceOwner> owners) {
  replica.transaction([&] {
    for (const auto& owner : owners) {
      replica.set_setting(setting_key(owner.device), owner.person.user + "\n" + owner.person.display_name);
    }
  });
}

std::optional<Person> person_of(const Replica& replica, const ReplicaId& device) {
  const auto kept = replica.setting(setting_key(device));
  if (!kept) return std::nullopt;
  const auto newline = kept->find('\n');
  if (newline == std::string::npos) return Person{*kept, {}};
  return Person{kept->substr(0, newline), kept->substr(newline + 1)};
}

std::string who_wrote(const Replica& replica, const ReplicaId& device) {
  if (auto person = person_of(replica, device)) {
    return person->display_name.empty() ? person->user : person->display_name;
  }
  return "device " + device.to_string().substr(0, 8);
}

}  // namespace fieldsync
