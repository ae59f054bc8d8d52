// decode_row_state (a replica's `_state` column, sync-core/src/row_state.hpp) on arbitrary
// bytes against a fixed row: the bytes of a corrupt or tampered database file.
// Error(kCorruptData) is the expected refusal; anything else thrown, a crash or a
// sanitizer report is a finding. On a decoded state:
//   - encode_row_state leaves to the columns exactly the values the row would hold for it,
//     so decoding its output against those columns gives the same state back;
//   - and re-encoding that is a fixed point.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fuzz_support.hpp"
#include "row_fixture.hpp"

using namespace fieldsync;

namespace {

// The columns a row holds after storing `state`: each written column the value of its
// field's lone sibling (what the engine binds), where the column gives it back.
class ColumnsOf final : public RowColumns {
 public:
  ColumnsOf(const RecordState& state, const RowLayout& layout) {
    for (std::size_t c = 0; c < layout.columns().size(); ++c) {
      const FieldState* field = state.field(layout.columns()[c].name);
      if (field && field->siblings.size() == 1 && layout.columns()[c].written &&
          layout.holds(c, field->siblings.front().value)) {
        values_.push_back(field->siblings.front().value);
      } else {
        values_.push_back(std::nullopt);
      }
    }
  }
  std::optional<Value> value(std::size_t column) const override { return values_.at(column); }

 private:
  std::vector<std::optional<Value>> values_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const RowLayout layout = fuzz::row_layout();
  const RecordId id = *Uuid::parse("01000000-0000-7000-8000-000000000001");
  RecordState state;
  try {
    state = decode_row_state(input, "customers", id, layout, fuzz::FixtureColumns());
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::kCorruptData, std::string("decode_row_state threw ") + e.what());
    return 0;
  }
  FUZZ_CHECK(state.collection == "customers" && state.id == id, "the row's collection or id was not kept");

  const std::string encoded = encode_row_state(state, layout);
  const ColumnsOf columns(state, layout);
  RecordState again;
  try {
    again = decode_row_state(encoded, "customers", id, layout, columns);
  } catch (const Error& e) {
    fuzz::fail(__FILE__, __LINE__, "decode_row_state(encode_row_state(s)) throws", e.what() + (" on " + fuzz::hex(encoded)));
  }
  FUZZ_CHECK(fuzz::same_state(again, state), "the round trip changed the state: " + fuzz::hex(encoded));
  FUZZ_CHECK(encode_row_state(again, layout) == encoded, "encode_row_state is not a fixed point: " + fuzz::hex(encoded));
  return 0;
}
