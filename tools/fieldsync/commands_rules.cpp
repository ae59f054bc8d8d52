// moves: what the signed-in role may do to one record under the schema's sales rules, read
// from the same declarations the server judges by (docs/rules.md).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "fieldsync/core/write_rules.hpp"
#include "json_output.hpp"

namespace fieldsync::cli {
namespace {

struct MovesOptions {
  std::string collection;
  std::string id;
  std::string role;  // empty: the role the last sync's welcome named
};

void run_moves(const Context& context, const MovesOptions& options) {
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  const RecordId id = parse_record_id(options.id);
  auto record = replica.get(collection.name, id);
  if (!record || record->deleted()) throw Error(ErrorCode::kNotFound, collection.name + " " + options.id + " does not exist");
  const std::string role = !options.role.empty() ? options.role : replica.setting(kSignedInRoleSetting).value_or("");
  if (role.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "no role known: sync once to learn yours, or give --role");
  }
  const ShownText shown = [&](std::string_view name) {
    const FieldSchema* field = collection.field(name);
    return field ? format_value(*field, record->value(name)) : std::string();
  };
  nlohmann::json json{{"role", role}, {"may_delete", may_delete(collection, role, shown)}, {"moves", nlohmann::json::object()}};
  std::vector<std::string> locked;
  for (const auto& field : collection.fields) {
    if (field.name == kDeletedField) continue;
    if (!may_change(collection, field, role)) locked.push_back(field.name);
    if (!field.lifecycle) continue;
    auto& moves = json["moves"][field.name] = nlohmann::json::array();
    const std::string from = shown(field.name);
    for (const auto& move : moves_from(field, from, role, shown)) {
      moves.push_back({{"to", move.to}, {"back", move.back}, {"needs_reason", move.needs_reason},
                       {"requires", move.requires_fields}});
    }
    if (context.json) continue;
    std::cout << field.name << " (now " << (from.empty() ? "empty" : from) << "):";
    if (moves.empty()) std::cout << " no move for a " << role;
    std::cout << '\n';
    for (const auto& move : moves_from(field, from, role, shown)) {
      std::cout << "  -> " << move.to << (move.back ? "  (back)" : "");
      if (move.needs_reason) std::cout << "  needs a reason in " << field.lifecycle->reason_field;
      for (const auto& required : move.requires_fields) std::cout << "  needs " << required;
      std::cout << '\n';
    }
  }
  json["locked_fields"] = locked;
  if (context.json) {
    std::cout << to_pretty_json(json);
    return;
  }
  std::cout << "delete: " << (json["may_delete"].get<bool>() ? "allowed" : "not allowed") << " for a " << role << '\n';
  if (!locked.empty()) {
    std::cout << "not yours to change:";
    for (const auto& name : locked) std::cout << ' ' << name;
    std::cout << '\n';
  }
}

}  // namespace

void add_rule_commands(CLI::App& app, const Context& context) {
  auto moves = std::make_shared<MovesOptions>();
  auto* moves_cmd = app.add_subcommand("moves", "The moves your role may make on a record (the sales rules)");
  moves_cmd->add_option("collection", moves->collection)->required();
  moves_cmd->add_option("id", moves->id)->required();
  moves_cmd->add_option("--role", moves->role, "Judge for this role instead of the one the last sync named");
  moves_cmd->callback([&context, moves] { run_moves(context, *moves); });
}

}  // namespace fieldsync::cli
