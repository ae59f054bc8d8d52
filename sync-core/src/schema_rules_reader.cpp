#include "schema_rules_reader.hpp"

#include "fieldsync/core/error.hpp"

namespace fieldsync {
namespace {

std::optional<Condition> read_condition(const proto::Condition& message, bool present) {
  if (!present) return std::nullopt;
  return Condition{message.field(), {message.values().begin(), message.values().end()}};
}

[[noreturn]] void mismatch(const std::string& where, const std::string& why) {
  throw Error(ErrorCode::kSchemaMismatch, where + ": " + why);
}

void check_roles(const Schema& schema, const RoleList& roles, const std::string& where) {
  for (const auto& role : roles) {
    if (!role_in(schema.roles(), role)) mismatch(where, "role '" + role + "' is not one of the schema's roles");
  }
}

void check_condition(const CollectionSchema& collection, const std::optional<Condition>& condition,
                     const std::string& where) {
  if (!condition) return;
  const FieldSchema* field = collection.field(condition->field);
  if (!field) mismatch(where, "condition names unknown field '" + condition->field + "'");
  for (const auto& value : condition->values) {
    if (field->type == FieldType::kEnum && !field->stage_of(value)) {
      mismatch(where, "condition value '" + value + "' is not a value of '" + field->name + "'");
    }
  }
}

void check_lifecycle(const Schema& schema, const CollectionSchema& collection, const FieldSchema& field,
                     const std::string& where) {
  const Lifecycle& lifecycle = *field.lifecycle;
  if (field.type != FieldType::kEnum) mismatch(where, "a lifecycle applies to enums only");
  auto check_stage = [&](const std::string& stage, bool may_be_new) {
    if (stage.empty() ? !may_be_new : !field.stage_of(stage)) mismatch(where, "'" + stage + "' is not a stage");
  };
  bool needs_reason = lifecycle.back_needs_reason;
  for (const auto& t : lifecycle.transitions) {
    for (const auto& from : t.from) check_stage(from, true);
    check_stage(t.to, false);
    if (t.roles.empty()) mismatch(where, "the move to '" + t.to + "' names no role");
    check_roles(schema, t.roles, where);
    for (const auto& required : t.requires_fields) {
      if (!collection.field(required)) mismatch(where, "the move to '" + t.to + "' requires unknown field '" + required + "'");
    }
    check_condition(collection, t.when, where);
    needs_reason = needs_reason || t.needs_reason;
  }
  check_roles(schema, lifecycle.back_roles, where);
  if (needs_reason) {
    const FieldSchema* reason = collection.field(lifecycle.reason_field);
    if (!reason || reason->type != FieldType::kText) {
      mismatch(where, "reason_field '" + lifecycle.reason_field + "' is not a text field of the collection");
    }
  }
}

void check_default(const FieldSchema& field, const std::string& where) {
  if (field.default_value.empty()) return;
  if (field.default_value == kDefaultToday) {
    if (field.type != FieldType::kDate) mismatch(where, "\"$today\" is a default for dates only");
    return;
  }
  if (field.default_value == kDefaultUser) {
    if (!field.names_user) mismatch(where, "\"$user\" is a default for fields that name a user only");
    return;
  }
  try {
    parse_value(field, field.default_value);
  } catch (const Error& e) {
    mismatch(where, std::string("default: ") + e.what());
  }
}

void check_derived(const Schema& schema, const CollectionSchema& collection, const FieldSchema& field,
                   const std::string& where) {
  const DerivedSum& derived = *field.derived;
  const CollectionSchema* source = schema.collection(derived.collection);
  if (!source) mismatch(where, "derived from unknown collection '" + derived.collection + "'");
  const FieldSchema* reference = source->field(derived.reference);
  if (!reference || reference->type != FieldType::kReference || reference->references != collection.name) {
    mismatch(where, "'" + derived.reference + "' is not a reference of " + source->name + " to " + collection.name);
  }
  if (derived.product_of.empty()) mismatch(where, "derived from no field");
  for (const auto& factor : derived.product_of) {
    const FieldSchema* f = source->field(factor);
    if (!f || (f->type != FieldType::kInteger && f->type != FieldType::kMoney)) {
      mismatch(where, "'" + factor + "' is not an integer or money field of " + source->name);
    }
  }
}

}  // namespace

RoleList read_roles(const google::protobuf::RepeatedPtrField<std::string>& roles) {
  return {roles.begin(), roles.end()};
}

void read_field_rules(const proto::Field& message, FieldSchema& field) {
  if (message.has_lifecycle()) {
    const auto& l = message.lifecycle();
    Lifecycle lifecycle;
    for (const auto& t : l.transitions()) {
      lifecycle.transitions.push_back(Transition{{t.from().begin(), t.from().end()},
                                                 t.to(),
                                                 read_roles(t.roles()),
                                                 t.needs_reason(),
                                                 {t.requires_fields().begin(), t.requires_fields().end()},
                                                 read_condition(t.when(), t.has_when())});
    }
    lifecycle.back_roles = read_roles(l.back_roles());
    lifecycle.back_needs_reason = l.back_needs_reason();
    lifecycle.reason_field = l.reason_field();
    field.lifecycle = std::move(lifecycle);
  }
  field.change_roles = read_roles(message.change_roles());
  field.default_value = message.default_value();
  field.names_user = message.names_user();
  field.unique = message.unique();
  if (message.has_derived()) {
    const auto& d = message.derived();
    field.derived = DerivedSum{d.collection(), d.reference(), {d.product_of().begin(), d.product_of().end()}};
  }
}

void read_collection_rules(const proto::Collection& message, CollectionSchema& collection) {
  collection.write_roles = read_roles(message.write_roles());
  for (const auto& d : message.deletes()) {
    collection.deletes.push_back(DeleteRule{read_roles(d.roles()), read_condition(d.when(), d.has_when())});
  }
}

void check_rules(const Schema& schema) {
  check_roles(schema, schema.settle_roles(), "settle_roles");
  for (const auto& collection : schema.collections()) {
    check_roles(schema, collection.write_roles, collection.name + ".write_roles");
    for (const auto& rule : collection.deletes) {
      check_roles(schema, rule.roles, collection.name + ".deletes");
      check_condition(collection, rule.when, collection.name + ".deletes");
    }
    for (const auto& field : collection.fields) {
      const std::string where = collection.name + "." + field.name;
      check_roles(schema, field.change_roles, where);
      if ((field.names_user || field.unique) && field.type != FieldType::kText) {
        mismatch(where, "names_user and unique apply to text fields only");
      }
      check_default(field, where);
      if (field.lifecycle) check_lifecycle(schema, collection, field, where);
      if (field.derived) check_derived(schema, collection, field, where);
    }
  }
}

}  // namespace fieldsync
