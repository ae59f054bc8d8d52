// init, schema, dump: the replica itself rather than its records.
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "json_output.hpp"

namespace fieldsync::cli {
namespace {

void run_init(const Context& context) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(context.db_path, ec);
  Replica replica = context.open_or_create();
  if (context.json) {
    std::cout << to_pretty_json({{"replica_id", replica.replica_id().to_string()}, {"created", !existed}});
    return;
  }
  if (existed) std::cerr << "note: '" << context.db_path << "' already holds a replica\n";
  std::cout << replica.replica_id().to_string() << '\n';
}

std::string describe(const FieldSchema& field) {
  std::string text(field_type_name(field.type));
  if (field.type == FieldType::kEnum) {
    text += " (";
    for (std::size_t i = 0; i < field.values.size(); ++i) text += (i ? ", " : "") + field.values[i];
    text += ")";
  }
  if (field.type == FieldType::kReference) text += " -> " + field.references;
  if (field.required) text += ", required";
  if (field.max_length) text += ", max " + std::to_string(field.max_length) + " chars";
  if (field.policy == MergePolicy::kFurthestStage) text += ", concurrent edits show the furthest stage";
  return text;
}

nlohmann::json field_json(const FieldSchema& field) {
  nlohmann::json json{{"name", field.name},
                      {"type", std::string(field_type_name(field.type))},
                      {"required", field.required},
                      {"indexed", field.indexed}};
  if (field.max_length) json["max_length"] = field.max_length;
  if (!field.values.empty()) json["values"] = field.values;
  if (!field.references.empty()) json["references"] = field.references;
  return json;
}

void run_schema(const Context& context) {
  const Schema& schema = Schema::domain();
  if (context.json) {
    auto collections = nlohmann::json::array();
    for (const auto& c : schema.collections()) {
      auto fields = nlohmann::json::array();
      for (const auto& f : c.fields) {
        if (f.name != kDeletedField) fields.push_back(field_json(f));
      }
      collections.push_back({{"name", c.name}, {"fields", std::move(fields)}});
    }
    std::cout << to_pretty_json({{"version", schema.version()}, {"collections", std::move(collections)}});
    return;
  }
  std::cout << "schema version " << schema.version() << '\n';
  for (const auto& c : schema.collections()) {
    std::cout << '\n' << c.name << (c.read_only_for_reps ? "  (read-only for reps)" : "") << '\n';
    std::size_t width = 0;
    for (const auto& f : c.fields) width = std::max(width, f.name.size());
    for (const auto& f : c.fields) {
      if (f.name == kDeletedField) continue;
      std::cout << "  " << f.name << std::string(width - f.name.size() + 2, ' ') << describe(f) << '\n';
    }
  }
}

void run_dump(const Context& context) {
  Replica replica = context.open_existing();
  ListQuery everything;
  everything.include_deleted = true;
  auto records = nlohmann::json::array();
  for (const auto& collection : replica.schema().collections()) {
    for (const auto& record : replica.list(collection.name, everything)) {
      records.push_back(state_to_json(collection, record.state));
    }
  }
  std::cout << to_pretty_json(records);
}

}  // namespace

void add_admin_commands(CLI::App& app, const Context& context) {
  app.add_subcommand("init", "Create the replica database (if needed) and print its replica id")
      ->callback([&context] { run_init(context); });
  app.add_subcommand("schema", "Show the collections and their fields")->callback([&context] { run_schema(context); });
  app.add_subcommand("dump", "Every record's replicated state as canonical JSON (equal on converged replicas)")
      ->callback([&context] { run_dump(context); });
}

}  // namespace fieldsync::cli
