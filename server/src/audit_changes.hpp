#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// The field changes of a merged record's audit entries, in shown values (what the apps
// display: the resolved sibling, as format_value writes it). Each value is cut to
// `max_text_bytes` as bounded_text does, and a list of concurrent values stops after
// kMaxListedValues, its last item saying how many more there were, so that an entry stays
// small whatever the record holds.
class ChangeDescriber {
 public:
  static constexpr std::size_t kMaxListedValues = 16;

  ChangeDescriber(const CollectionSchema& collection, std::size_t max_text_bytes)
      : collection_(&collection), max_text_bytes_(max_text_bytes) {}

  // For the written `fields` (whose siblings changed): the shown value in `before`
  // (nullptr: the record is new) -> the one in `after`. A field written with the value it
  // showed already stays in (old equals new), except `_deleted`.
  std::vector<FieldChange> shown_changes(const RecordState* before, const RecordState& after,
                                         std::span<const std::string> fields) const;
  // For conflicts opened on `fields`: old -> new shown value and every concurrent value now.
  std::vector<FieldChange> opened(const RecordState* before, const RecordState& after,
                                  std::span<const std::string> fields) const;
  // For conflicts settled on `fields`: the value chosen and the concurrent values it replaced.
  std::vector<FieldChange> settled(const RecordState& before, const RecordState& after,
                                   std::span<const std::string> fields) const;

 private:
  std::optional<std::string> shown(const FieldState* field) const;
  std::vector<std::optional<std::string>> values_of(const FieldState* field) const;
  std::optional<std::string> text(const FieldSchema& field, const Value& value) const;
  const FieldSchema& schema_of(std::string_view field) const;

  const CollectionSchema* collection_;
  std::size_t max_text_bytes_;
  FieldSchema unknown_field_{};  // a field the schema no longer declares: shown as plain text
};

// The changes as one text column and back. Decoding throws Error(kCorruptData) on text
// encode_changes did not write.
std::string encode_changes(std::span<const FieldChange> changes);
std::vector<FieldChange> decode_changes(std::string_view text);

}  // namespace fieldsync::server
