#include "fieldsync/core/state_codec.hpp"

#include "fieldsync/core/error.hpp"

namespace fieldsync {
namespace {

void to_proto(const Value& value, proto::Value& out) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    out.set_integer(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    out.set_real(*d);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    out.set_text(*s);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out.set_boolean(*b);
  }
}

Value from_proto(const proto::Value& value) {
  switch (value.kind_case()) {
    case proto::Value::kText: return value.text();
    case proto::Value::kInteger: return std::int64_t{value.integer()};
    case proto::Value::kReal: return value.real();
    case proto::Value::kBoolean: return value.boolean();
    case proto::Value::KIND_NOT_SET: break;
  }
  return std::monostate{};
}

Uuid uuid_from(const std::string& raw, const char* what) {
  auto id = Uuid::from_bytes(raw);
  if (!id) throw Error(ErrorCode::kCorruptData, std::string(what) + " is not 16 bytes");
  return *id;
}

}  // namespace

proto::RecordState to_proto(const RecordState& state) {
  proto::RecordState message;
  message.set_collection(state.collection);
  message.set_id(std::string(state.id.raw()));
  for (const auto& [replica, counter] : state.vv.entries()) {
    auto* entry = message.add_vv();
    entry->set_replica(std::string(replica.raw()));
    entry->set_counter(counter);
  }
  for (const auto& field : state.fields) {
    auto* f = message.add_fields();
    f->set_name(field.name);
    for (const auto& s : field.siblings) {
      auto* sibling = f->add_siblings();
      to_proto(s.value, *sibling->mutable_value());
      sibling->mutable_dot()->set_replica(std::string(s.dot.replica.raw()));
      sibling->mutable_dot()->set_counter(s.dot.counter);
      sibling->set_hlc(s.hlc.packed());
    }
  }
  return message;
}

RecordState from_proto(const proto::RecordState& message) {
  RecordState state;
  state.collection = message.collection();
  state.id = uuid_from(message.id(), "record id");
  for (const auto& entry : message.vv()) state.vv.advance(uuid_from(entry.replica(), "replica id"), entry.counter());
  state.fields.reserve(static_cast<std::size_t>(message.fields_size()));
  for (const auto& f : message.fields()) {
    FieldState field{f.name(), {}};
    field.siblings.reserve(static_cast<std::size_t>(f.siblings_size()));
    for (const auto& s : f.siblings()) {
      Dot dot{uuid_from(s.dot().replica(), "dot replica"), s.dot().counter()};
      if (dot.counter == 0) throw Error(ErrorCode::kCorruptData, "field '" + f.name() + "': a sibling has no dot");
      field.siblings.push_back(Sibling{from_proto(s.value()), dot, Hlc(s.hlc())});
    }
    state.fields.push_back(std::move(field));
  }
  canonicalize(state);
  return state;
}

void validate_state(const Schema& schema, const RecordState& state) {
  const auto& collection = schema.require(state.collection);
  if (state.id.is_nil()) throw Error(ErrorCode::kInvalidValue, "the record id is empty");
  const FieldState* previous = nullptr;
  for (const auto& f : state.fields) {
    const FieldSchema* field = collection.field(f.name);
    if (!field) {
      throw Error(ErrorCode::kUnknownField, "collection '" + collection.name + "' has no field '" + f.name + "'");
    }
    if (previous && !(previous->name < f.name)) {
      throw Error(ErrorCode::kCorruptData, "field '" + f.name + "' is repeated or out of order");
    }
    if (f.siblings.empty()) throw Error(ErrorCode::kCorruptData, "field '" + f.name + "' has no value");
    const Sibling* before = nullptr;
    for (const auto& s : f.siblings) {
      validate_value(*field, s.value);
      // Every sibling's write must be inside the causal context that carries it.
      if (!state.vv.contains(s.dot)) {
        throw Error(ErrorCode::kCorruptData, "field '" + f.name + "': a sibling's dot is outside the version vector");
      }
      if (before && !(before->dot < s.dot)) {
        throw Error(ErrorCode::kCorruptData, "field '" + f.name + "': two values for one write, or siblings out of order");
      }
      before = &s;
    }
    previous = &f;
  }
}

}  // namespace fieldsync
