// put, get, list, delete: one record at a time, or a filtered list.
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "fieldsync/core/order_numbers.hpp"
#include "json_output.hpp"
#include "text_table.hpp"

namespace fieldsync::cli {
namespace {

struct PutOptions {
  std::string collection;
  std::vector<std::string> args;  // [ID] field=value...
};

struct GetOptions {
  std::string collection;
  std::string id;
  std::string field;
};

struct ListOptions {
  std::string collection;
  std::vector<std::string> where;
  std::string order_by;
  bool descending = false;
  std::int64_t limit = 0;  // signed, so that "-1" is an error rather than a huge limit
  bool include_deleted = false;
};

struct DeleteOptions {
  std::string collection;
  std::string id;
};

std::string quoted_value(const FieldSchema& field, const Value& value) {
  return is_null(value) ? std::string("(empty)") : "\"" + format_value(field, value) + "\"";
}

void run_put(const Context& context, const PutOptions& options) {
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  std::optional<RecordId> id;
  std::vector<std::string> assignments = options.args;
  // The first argument is an id when it is not an assignment.
  if (!assignments.empty() && assignments.front().find('=') == std::string::npos) {
    id = parse_record_id(assignments.front());
    assignments.erase(assignments.begin());
  }
  FieldValues values = parse_assignments(collection, assignments);

  bool created = true;
  if (!id) {
    replica.transaction([&] {
      add_order_number(replica, collection.name, values);  // a new order is numbered in this replica's series
      id = replica.create(collection.name, values);
    });
  } else if (auto existing = replica.get(collection.name, *id)) {
    if (existing->deleted()) {
      throw Error(ErrorCode::kNotFound, collection.name + " " + id->to_string() + " was deleted and cannot be edited");
    }
    if (values.empty()) throw Error(ErrorCode::kInvalidArgument, "nothing to update: give field=value pairs");
    replica.update(collection.name, *id, values);
    created = false;
  } else {
    replica.transaction([&] {
      add_order_number(replica, collection.name, values);
      replica.create(collection.name, *id, values);
    });
  }
  if (context.json) {
    std::cout << to_pretty_json({{"id", id->to_string()}, {"created", created}});
  } else {
    std::cout << id->to_string() << '\n';
  }
}

void print_record(const Record& record) {
  const auto& collection = *record.collection;
  std::cout << collection.name << ' ' << record.state.id.to_string() << '\n';
  std::size_t width = 0;
  for (const auto& f : collection.fields) width = std::max(width, f.name.size());
  std::vector<std::string> conflicted;
  for (std::size_t i = 0; i < collection.fields.size(); ++i) {
    const auto& field = collection.fields[i];
    if (field.name == kDeletedField) continue;
    std::string line = "  " + field.name + std::string(width - field.name.size() + 2, ' ') +
                       format_value(field, record.values[i]);
    const FieldState* state = record.state.field(field.name);
    if (state && state->conflicted()) {
      conflicted.push_back(field.name);
      const Sibling& shown = resolve(field, state->siblings);
      std::string others;
      for (const auto& s : state->siblings) {
        if (s.dot != shown.dot) others += (others.empty() ? "" : ", ") + quoted_value(field, s.value);
      }
      line += "   [conflict; also " + others + "]";
    }
    std::cout << line << '\n';
  }
  std::string conflicts;
  for (const auto& name : conflicted) conflicts += (conflicts.empty() ? "" : ", ") + name;
  std::cout << "  (deleted: " << (record.deleted() ? "yes" : "no") << ", pending sync: "
            << (record.pending ? "yes" : "no") << ", conflicts: " << (conflicts.empty() ? "none" : conflicts)
            << ")\n";
}

void run_get(const Context& context, const GetOptions& options) {
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  RecordId id = parse_record_id(options.id);
  auto record = replica.get(collection.name, id);
  if (!record) throw Error(ErrorCode::kNotFound, collection.name + " " + id.to_string() + " not found");
  if (!options.field.empty()) {
    const FieldSchema& field = readable_field(collection, options.field);
    const Value& value = record->value(options.field);
    if (context.json) {
      std::cout << to_pretty_json(value_to_json(&field, value));
    } else {
      std::cout << format_value(field, value) << '\n';
    }
    return;
  }
  if (context.json) {
    std::cout << to_pretty_json(record_to_json(*record));
  } else {
    print_record(*record);
  }
}

void run_list(const Context& context, const ListOptions& options) {
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  ListQuery query;
  for (const auto& condition : options.where) {
    auto [name, text] = split_assignment(condition);
    query.equals.emplace_back(name, parse_value(readable_field(collection, name), text));
  }
  query.order_by = options.order_by;
  query.descending = options.descending;
  if (options.limit < 0) throw Error(ErrorCode::kInvalidArgument, "--limit must be 0 (no limit) or more");
  query.limit = static_cast<std::size_t>(options.limit);
  query.include_deleted = options.include_deleted;
  auto records = replica.list(collection.name, query);

  if (context.json) {
    auto array = nlohmann::json::array();
    for (const auto& record : records) array.push_back(record_to_json(record));
    std::cout << to_pretty_json(array);
    return;
  }
  std::vector<std::string> header{"id"};
  for (const auto& f : collection.fields) {
    if (f.name != kDeletedField) header.push_back(f.name);
  }
  header.emplace_back("flags");
  TextTable table(header);
  for (const auto& record : records) {
    std::vector<std::string> row{record.state.id.to_string()};
    for (std::size_t i = 0; i < collection.fields.size(); ++i) {
      if (collection.fields[i].name != kDeletedField) row.push_back(format_value(collection.fields[i], record.values[i]));
    }
    std::string flags;
    auto flag = [&](bool on, const char* name) {
      if (on) flags += (flags.empty() ? "" : ",") + std::string(name);
    };
    flag(record.deleted(), "deleted");
    flag(record.pending, "pending");
    flag(record.state.conflicted(), "conflict");
    row.push_back(flags);
    table.add_row(std::move(row));
  }
  table.print(std::cout);
  std::cout << "(" << table.rows() << (table.rows() == 1 ? " record)\n" : " records)\n");
}

void run_delete(const Context& context, const DeleteOptions& options) {
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  RecordId id = parse_record_id(options.id);
  replica.remove(collection.name, id);
  std::cout << "deleted " << collection.name << ' ' << id.to_string() << '\n';
}

}  // namespace

void add_record_commands(CLI::App& app, const Context& context) {
  auto put = std::make_shared<PutOptions>();
  auto* put_cmd = app.add_subcommand("put", "Create a record (prints its id) or update one by id");
  put_cmd->add_option("collection", put->collection, "Collection, e.g. customers")->required();
  put_cmd->add_option("args", put->args, "[ID] field=value... (field= sets NULL)");
  put_cmd->callback([&context, put] { run_put(context, *put); });

  auto get = std::make_shared<GetOptions>();
  auto* get_cmd = app.add_subcommand("get", "Show one record: resolved values, conflicts, pending sync");
  get_cmd->add_option("collection", get->collection)->required();
  get_cmd->add_option("id", get->id)->required();
  get_cmd->add_option("--field", get->field, "Print only this field's resolved value");
  get_cmd->callback([&context, get] { run_get(context, *get); });

  auto list = std::make_shared<ListOptions>();
  auto* list_cmd = app.add_subcommand("list", "List the records of a collection");
  list_cmd->add_option("collection", list->collection)->required();
  list_cmd->add_option("--where", list->where, "field=value (repeatable; all must hold; field= matches NULL)");
  list_cmd->add_option("--order-by", list->order_by, "Sort by this field (default: by id, i.e. creation order)");
  list_cmd->add_flag("--desc", list->descending, "Sort descending");
  list_cmd->add_option("--limit", list->limit, "At most N records (0: no limit)");
  list_cmd->add_flag("--include-deleted", list->include_deleted, "Include deleted records");
  list_cmd->callback([&context, list] { run_list(context, *list); });

  auto remove = std::make_shared<DeleteOptions>();
  auto* delete_cmd = app.add_subcommand("delete", "Delete a record (a concurrent edit elsewhere keeps it alive)");
  delete_cmd->add_option("collection", remove->collection)->required();
  delete_cmd->add_option("id", remove->id)->required();
  delete_cmd->callback([&context, remove] { run_delete(context, *remove); });
}

}  // namespace fieldsync::cli
