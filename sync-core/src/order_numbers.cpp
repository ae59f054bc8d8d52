#include "fieldsync/core/order_numbers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace fieldsync {
namespace {

constexpr std::string_view kLastNumberSetting = "order_number_last";
constexpr std::size_t kPrefixDigits = 6;
constexpr std::string_view kOrders = "orders";
constexpr std::string_view kOrderNumber = "order_number";

}  // namespace

std::string order_number_prefix(const ReplicaId& replica) {
  std::string prefix = replica.to_string().substr(0, kPrefixDigits);
  for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return prefix + "-";
}

std::string take_order_number(Replica& replica) {
  std::uint64_t n = 0;
  std::string number;
  replica.transaction([&] {
    if (auto last = replica.setting(kLastNumberSetting)) {
      const auto [end, ec] = std::from_chars(last->data(), last->data() + last->size(), n);
      if (ec != std::errc() || end != last->data() + last->size()) {
        throw Error(ErrorCode::kCorruptData, "the order number setting holds '" + *last + "', not a number");
      }
    }
    ++n;
    replica.set_setting(kLastNumberSetting, std::to_string(n));
    number = order_number_prefix(replica.replica_id()) + std::to_string(n);
  });
  return number;
}

void add_order_number(Replica& replica, std::string_view collection, FieldValues& values) {
  if (collection != kOrders) return;
  auto given = std::find_if(values.begin(), values.end(), [](const auto& v) { return v.first == kOrderNumber; });
  if (given != values.end() && !is_null(given->second)) return;
  Value number(take_order_number(replica));
  if (given != values.end()) {
    given->second = std::move(number);
  } else {
    values.emplace_back(std::string(kOrderNumber), std::move(number));
  }
}

}  // namespace fieldsync
