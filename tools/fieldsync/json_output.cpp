#include "json_output.hpp"

#include "time_format.hpp"

namespace fieldsync::cli {

nlohmann::json value_to_json(const FieldSchema* field, const Value& value) {
  if (is_null(value)) return nullptr;
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    // Money in minor units would read as a wrong amount; its decimal text is exact.
    if (field && field->type == FieldType::kMoney) return format_value(*field, value);
    return *i;
  }
  return std::get<std::string>(value);
}

nlohmann::json sibling_to_json(const FieldSchema* field, const Sibling& sibling) {
  return {
      {"value", value_to_json(field, sibling.value)},
      {"replica", sibling.dot.replica.to_string()},
      {"counter", sibling.dot.counter},
      {"hlc", sibling.hlc.packed()},
      {"time", iso8601_utc(sibling.hlc.ms())},
  };
}

nlohmann::json version_vector_to_json(const VersionVector& vv) {
  auto json = nlohmann::json::object();
  for (const auto& [replica, counter] : vv.entries()) json[replica.to_string()] = counter;
  return json;
}

nlohmann::json state_to_json(const CollectionSchema& collection, const RecordState& state) {
  auto values = nlohmann::json::object();
  auto resolved = resolve_all(collection, state);
  for (std::size_t i = 0; i < collection.fields.size(); ++i) {
    values[collection.fields[i].name] = value_to_json(&collection.fields[i], resolved[i]);
  }
  auto siblings = nlohmann::json::object();
  for (const auto& f : state.fields) {
    const FieldSchema* field = collection.field(f.name);
    auto list = nlohmann::json::array();
    for (const auto& s : f.siblings) list.push_back(sibling_to_json(field, s));
    siblings[f.name] = std::move(list);
  }
  return {
      {"collection", state.collection},
      {"id", state.id.to_string()},
      {"values", std::move(values)},
      {"version_vector", version_vector_to_json(state.vv)},
      {"siblings", std::move(siblings)},
  };
}

nlohmann::json record_to_json(const Record& record) {
  auto json = state_to_json(*record.collection, record.state);
  auto conflicts = nlohmann::json::array();
  for (const auto& f : record.state.fields) {
    if (f.conflicted()) conflicts.push_back(f.name);
  }
  json["deleted"] = record.deleted();
  json["pending"] = record.pending;
  json["conflicts"] = std::move(conflicts);
  return json;
}

nlohmann::json conflict_to_json(const Schema& schema, const Conflict& conflict) {
  const CollectionSchema* collection = schema.collection(conflict.collection);
  const FieldSchema* field = collection ? collection->field(conflict.field) : nullptr;
  auto siblings = nlohmann::json::array();
  for (const auto& s : conflict.siblings) siblings.push_back(sibling_to_json(field, s));
  return {
      {"collection", conflict.collection},
      {"id", conflict.id.to_string()},
      {"field", conflict.field},
      {"shown", value_to_json(field, conflict.shown)},
      {"siblings", std::move(siblings)},
  };
}

std::string to_pretty_json(const nlohmann::json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace fieldsync::cli
