#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::cli {

// One checked CSV row, ready to write: a create (with a given id or a new one) or an
// update of an existing record.
struct ImportRow {
  std::size_t line = 0;
  std::optional<RecordId> id;
  bool update = false;
  FieldValues values;
};

struct ImportPlan {
  std::vector<ImportRow> rows;
  std::vector<std::string> problems;  // "line N: reason", in file order
};

// Checks a whole CSV file before anything is written: the header names fields of
// `collection` (and optionally `id`), every value parses with its field's schema, every
// row has as many values as the header, creates give every required field. Problems in
// the header throw Error("line 1: ..."); problems in rows are collected in the plan.
ImportPlan plan_import(const Replica& replica, const CollectionSchema& collection, std::string_view csv_text);

// Writes a problem-free plan, `batch_size` rows per transaction; calls `progress` with
// the number of rows written after each batch. A failure names the row's line and how
// many rows were already committed.
void apply_import(Replica& replica, const CollectionSchema& collection, const std::vector<ImportRow>& rows,
                  std::size_t batch_size, const std::function<void(std::size_t)>& progress);

}  // namespace fieldsync::cli
