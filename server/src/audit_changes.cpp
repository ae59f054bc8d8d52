#include "audit_changes.hpp"

#include <algorithm>
#include <charconv>

#include "audit_text.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync::server {

std::vector<FieldChange> ChangeDescriber::shown_changes(const RecordState* before, const RecordState& after,
                                                        std::span<const std::string> fields) const {
  std::vector<FieldChange> changes;
  for (const auto& name : fields) {
    const FieldState* old_field = before ? before->field(name) : nullptr;
    auto old_value = shown(old_field);
    auto new_value = shown(after.field(name));
    // Every edit rewrites `_deleted` as false: only a delete or an undelete is news.
    if (name == kDeletedField && old_field && old_value == new_value) continue;
    changes.push_back({name, std::move(old_value), std::move(new_value)});
  }
  return changes;
}

std::vector<FieldChange> ChangeDescriber::opened(const RecordState* before, const RecordState& after,
                                                 std::span<const std::string> fields) const {
  std::vector<FieldChange> changes;
  for (const auto& name : fields) {
    const FieldState* now = after.field(name);
    changes.push_back({name, shown(before ? before->field(name) : nullptr), shown(now), values_of(now)});
  }
  return changes;
}

std::vector<FieldChange> ChangeDescriber::settled(const RecordState& before, const RecordState& after,
                                                  std::span<const std::string> fields) const {
  std::vector<FieldChange> changes;
  for (const auto& name : fields) {
    const FieldState* was = before.field(name);
    changes.push_back({name, shown(was), shown(after.field(name)), values_of(was)});
  }
  return changes;
}

std::optional<std::string> ChangeDescriber::shown(const FieldState* field) const {
  if (!field || field->siblings.empty()) return std::nullopt;
  const FieldSchema& schema = schema_of(field->name);
  return text(schema, resolve(schema, field->siblings).value);
}

// The distinct values of the siblings, in sibling (dot) order.
std::vector<std::optional<std::string>> ChangeDescriber::values_of(const FieldState* field) const {
  std::vector<std::optional<std::string>> values;
  if (!field) return values;
  const FieldSchema& schema = schema_of(field->name);
  std::vector<const Value*> distinct;
  for (const auto& sibling : field->siblings) {
    if (std::none_of(distinct.begin(), distinct.end(), [&](const Value* v) { return *v == sibling.value; })) {
      distinct.push_back(&sibling.value);
    }
  }
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    if (i + 1 == kMaxListedValues && distinct.size() > kMaxListedValues) {
      values.emplace_back("... (" + std::to_string(distinct.size() - i) + " more values)");
      break;
    }
    values.push_back(text(schema, *distinct[i]));
  }
  return values;
}

std::optional<std::string> ChangeDescriber::text(const FieldSchema& field, const Value& value) const {
  if (is_null(value)) return std::nullopt;
  return bounded_text(format_value(field, value), max_text_bytes_);
}

const FieldSchema& ChangeDescriber::schema_of(std::string_view field) const {
  const FieldSchema* schema = collection_->field(field);
  return schema ? *schema : unknown_field_;
}

// ---- encoding -------------------------------------------------------------------------
// A sequence of items, each `-` (no value) or `<byte length>:<bytes>`; per change: the
// field, the old value, the new value, the number of listed values, the values.

namespace {

void put(std::string& out, const std::optional<std::string>& item) {
  if (!item) {
    out += '-';
    return;
  }
  out += std::to_string(item->size());
  out += ':';
  out += *item;
}

class ItemReader {
 public:
  explicit ItemReader(std::string_view text) : rest_(text) {}

  bool done() const { return rest_.empty(); }

  std::optional<std::string> next() {
    if (rest_.empty()) corrupt("it ends inside a change");
    if (rest_.front() == '-') {
      rest_.remove_prefix(1);
      return std::nullopt;
    }
    std::size_t length = 0;
    const auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), length);
    const auto digits = static_cast<std::size_t>(end - rest_.data());
    if (ec != std::errc{} || digits == 0 || digits >= rest_.size() || rest_[digits] != ':' ||
        length > rest_.size() - digits - 1) {
      corrupt("an item has no valid length");
    }
    std::string item(rest_.substr(digits + 1, length));
    rest_.remove_prefix(digits + 1 + length);
    return item;
  }

  std::string next_text() {
    auto item = next();
    if (!item) corrupt("a field name or count is missing");
    return *std::move(item);
  }

 private:
  [[noreturn]] static void corrupt(const char* why) {
    throw Error(ErrorCode::kCorruptData, std::string("an audit entry's field changes cannot be read: ") + why);
  }

  std::string_view rest_;
};

}  // namespace

std::string encode_changes(std::span<const FieldChange> changes) {
  std::string out;
  for (const auto& change : changes) {
    put(out, change.field);
    put(out, change.old_value);
    put(out, change.new_value);
    put(out, std::to_string(change.values.size()));
    for (const auto& value : change.values) put(out, value);
  }
  return out;
}

std::vector<FieldChange> decode_changes(std::string_view text) {
  std::vector<FieldChange> changes;
  ItemReader reader(text);
  while (!reader.done()) {
    FieldChange change;
    change.field = reader.next_text();
    change.old_value = reader.next();
    change.new_value = reader.next();
    const std::string count_text = reader.next_text();
    std::size_t count = 0;
    const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (ec != std::errc{} || end != count_text.data() + count_text.size() || count > text.size()) {
      throw Error(ErrorCode::kCorruptData, "an audit entry's field changes cannot be read: a bad value count");
    }
    for (std::size_t i = 0; i < count; ++i) change.values.push_back(reader.next());
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace fieldsync::server
