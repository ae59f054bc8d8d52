// conflicts, resolve: what a supervisor reviews and how it is settled.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "fieldsync/core/people.hpp"
#include "json_output.hpp"
#include "time_format.hpp"

namespace fieldsync::cli {
namespace {

struct ResolveOptions {
  std::string collection;
  std::string id;
  std::string field;
  std::string value;
};

std::string shown_text(const FieldSchema* field, const Value& value) {
  if (is_null(value)) return "(empty)";
  return "\"" + (field ? format_value(*field, value) : std::string("?")) + "\"";
}

// "Anna Weber (anna), device c8e3fbb4" once a sync has fetched the user directory, else
// "device c8e3fbb4".
std::string author_text(const Replica& replica, const ReplicaId& device) {
  const std::string short_id = "device " + device.to_string().substr(0, 8);
  const auto person = person_of(replica, device);
  return person ? person->label() + ", " + short_id : short_id;
}

void print_conflict(const Replica& replica, const Conflict& conflict) {
  const Schema& schema = replica.schema();
  const CollectionSchema* collection = schema.collection(conflict.collection);
  const FieldSchema* field = collection ? collection->field(conflict.field) : nullptr;
  std::cout << conflict.collection << ' ' << conflict.id.to_string() << "  field " << conflict.field << '\n';
  std::cout << "  shown:  " << shown_text(field, conflict.shown) << '\n';
  const Sibling* shown = field ? &resolve(*field, conflict.siblings) : nullptr;
  for (const auto& s : conflict.siblings) {
    std::cout << "  value:  " << shown_text(field, s.value) << "  by " << author_text(replica, s.dot.replica)
              << "  write #" << s.dot.counter << "  at " << iso8601_utc(s.hlc.ms())
              << (shown && shown->dot == s.dot ? "  (shown)" : "") << '\n';
  }
}

void run_conflicts(const Context& context) {
  Replica replica = context.open_existing();
  auto conflicts = replica.conflicts();
  if (context.json) {
    auto array = nlohmann::json::array();
    for (const auto& c : conflicts) array.push_back(conflict_to_json(replica.schema(), c));
    std::cout << to_pretty_json(array);
    return;
  }
  if (conflicts.empty()) {
    std::cout << "no open conflicts\n";
    return;
  }
  for (std::size_t i = 0; i < conflicts.size(); ++i) {
    if (i) std::cout << '\n';
    print_conflict(replica, conflicts[i]);
  }
  std::cout << '\n' << conflicts.size() << (conflicts.size() == 1 ? " open conflict\n" : " open conflicts\n");
}

void run_resolve(const Context& context, const ResolveOptions& options) {
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  RecordId id = parse_record_id(options.id);
  const FieldSchema& field = readable_field(collection, options.field);
  auto record = replica.get(collection.name, id);
  if (!record) throw Error(ErrorCode::kNotFound, collection.name + " " + id.to_string() + " not found");
  const FieldState* state = record->state.field(field.name);
  if (!state || !state->conflicted()) {
    throw Error(ErrorCode::kInvalidArgument, collection.name + " " + id.to_string() + " has no open conflict on '" +
                                                 field.name + "' (to edit it, use put)");
  }
  const std::size_t replaced = state->siblings.size();
  Value value = parse_value(field, options.value);
  if (field.name == kDeletedField) {
    // A delete raced an edit. Deleting settles it as deleted; an edit that writes no
    // field settles it as alive, since every write also writes `_deleted = false`.
    const bool* deleted = std::get_if<bool>(&value);
    if (!deleted) throw Error(ErrorCode::kInvalidValue, "field '_deleted': choose true or false");
    if (*deleted) {
      replica.remove(collection.name, id);
    } else {
      replica.update(collection.name, id, {});
    }
  } else {
    replica.update(collection.name, id, {{field.name, value}});
  }
  std::cout << "settled " << collection.name << ' ' << id.to_string() << ' ' << field.name << " = "
            << shown_text(&field, value) << " (replaces " << replaced << " concurrent values)\n";
}

}  // namespace

void add_conflict_commands(CLI::App& app, const Context& context) {
  auto* conflicts = app.add_subcommand("conflicts", "List every open conflict with each concurrent value");
  conflicts->callback([&context] { run_conflicts(context); });

  auto resolve = std::make_shared<ResolveOptions>();
  auto* resolve_cmd = app.add_subcommand("resolve", "Settle a conflict by writing the chosen value");
  resolve_cmd->add_option("collection", resolve->collection)->required();
  resolve_cmd->add_option("id", resolve->id)->required();
  resolve_cmd->add_option("field", resolve->field)->required();
  resolve_cmd->add_option("value", resolve->value, "The value to keep (empty string: NULL)")->required();
  resolve_cmd->callback([&context, resolve] { run_resolve(context, *resolve); });
}

}  // namespace fieldsync::cli
