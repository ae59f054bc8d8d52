#include "state_text.hpp"

#include <sstream>

namespace fieldsync::test {

std::string short_id(const Uuid& id) { return id.to_string().substr(0, 8); }

std::string value_text(const Value& value) {
  if (is_null(value)) return "NULL";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return std::to_string(*d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return "\"" + std::get<std::string>(value) + "\"";
}

std::string dot_text(const Dot& dot) { return short_id(dot.replica) + ":" + std::to_string(dot.counter); }

std::string vv_text(const VersionVector& vv) {
  std::string text = "{";
  for (const auto& [replica, counter] : vv.entries()) {
    if (text.size() > 1) text += ", ";
    text += short_id(replica) + ":" + std::to_string(counter);
  }
  return text + "}";
}

std::string sibling_text(const Sibling& sibling) {
  return value_text(sibling.value) + " @" + dot_text(sibling.dot) + " hlc=" + std::to_string(sibling.hlc.ms()) + "." +
         std::to_string(sibling.hlc.logical());
}

std::string state_text(const RecordState& state) {
  std::ostringstream out;
  out << state.collection << " " << state.id.to_string() << " vv=" << vv_text(state.vv) << "\n";
  for (const auto& field : state.fields) {
    out << "  " << field.name << ":";
    for (const auto& s : field.siblings) out << "  [" << sibling_text(s) << "]";
    out << "\n";
  }
  return out.str();
}

}  // namespace fieldsync::test
