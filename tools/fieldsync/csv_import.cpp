#include "csv_import.hpp"

#include <algorithm>
#include <set>

#include "context.hpp"
#include "fieldsync/core/csv.hpp"

namespace fieldsync::cli {
namespace {

constexpr std::string_view kIdColumn = "id";

// Header position -> field; nullptr marks the id column.
std::vector<const FieldSchema*> read_header(const CollectionSchema& collection, const CsvRow& header) {
  std::vector<const FieldSchema*> columns;
  std::set<std::string> seen;
  for (const auto& name : header.fields) {
    if (!seen.insert(name).second) throw Error(ErrorCode::kInvalidArgument, "line 1: column '" + name + "' appears twice");
    if (name == kIdColumn) {
      columns.push_back(nullptr);
      continue;
    }
    try {
      columns.push_back(&writable_field(collection, name));
    } catch (const Error& e) {
      throw Error(e.code(), "line 1: " + std::string(e.what()));
    }
  }
  return columns;
}

bool is_blank(const CsvRow& row) { return row.fields.size() == 1 && row.fields.front().empty(); }

}  // namespace

ImportPlan plan_import(const Replica& replica, const CollectionSchema& collection, std::string_view csv_text) {
  CsvReader reader(csv_text);
  CsvRow header;
  if (!reader.next(header)) throw Error(ErrorCode::kInvalidArgument, "line 1: the file is empty (expected a header row)");
  const auto columns = read_header(collection, header);

  ImportPlan plan;
  std::set<RecordId> created_here;  // a later row with the same id updates the earlier one
  CsvRow row;
  while (true) {
    try {
      if (!reader.next(row)) break;
    } catch (const Error& e) {
      // The reader cannot resynchronise after malformed quoting: stop at the first one.
      plan.problems.emplace_back(e.what());
      break;
    }
    if (is_blank(row)) continue;
    const std::string where = "line " + std::to_string(row.line) + ": ";
    if (row.fields.size() != columns.size()) {
      plan.problems.push_back(where + "expected " + std::to_string(columns.size()) + " values, found " +
                              std::to_string(row.fields.size()));
      continue;
    }
    try {
      ImportRow out;
      out.line = row.line;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (!columns[i]) {
          if (!row.fields[i].empty()) out.id = parse_record_id(row.fields[i]);
          continue;
        }
        const FieldSchema& field = *columns[i];
        Value value = parse_value(field, row.fields[i]);
        if (field.required && is_null(value)) {
          throw Error(ErrorCode::kMissingField, "field '" + field.name + "' is required and cannot be empty");
        }
        out.values.emplace_back(field.name, std::move(value));
      }
      if (out.id) {
        if (auto existing = replica.get(collection.name, *out.id)) {
          if (existing->deleted()) {
            throw Error(ErrorCode::kNotFound, collection.name + " " + out.id->to_string() + " was deleted");
          }
          out.update = true;
        } else {
          out.update = created_here.contains(*out.id);
        }
      }
      if (!out.update) {
        for (const auto& field : collection.fields) {
          bool given = std::any_of(out.values.begin(), out.values.end(),
                                   [&](const auto& v) { return v.first == field.name; });
          if (field.required && !given) {
            throw Error(ErrorCode::kMissingField, "field '" + field.name + "' is required for a new record");
          }
        }
        if (out.id) created_here.insert(*out.id);
      }
      plan.rows.push_back(std::move(out));
    } catch (const Error& e) {
      plan.problems.push_back(where + e.what());
    }
  }
  return plan;
}

void apply_import(Replica& replica, const CollectionSchema& collection, const std::vector<ImportRow>& rows,
                  std::size_t batch_size, const std::function<void(std::size_t)>& progress) {
  std::size_t committed = 0;
  while (committed < rows.size()) {
    const std::size_t end = std::min(rows.size(), committed + batch_size);
    std::size_t current = committed;
    try {
      replica.transaction([&] {
        for (; current < end; ++current) {
          const ImportRow& row = rows[current];
          if (row.update) {
            replica.update(collection.name, *row.id, row.values);
          } else if (row.id) {
            replica.create(collection.name, *row.id, row.values);
          } else {
            replica.create(collection.name, row.values);
          }
        }
      });
    } catch (const Error& e) {
      throw Error(e.code(), "line " + std::to_string(rows[current < end ? current : end - 1].line) + ": " + e.what() +
                                " (" + std::to_string(committed) + " rows before it were imported)");
    }
    committed = end;
    progress(committed);
  }
}

}  // namespace fieldsync::cli
