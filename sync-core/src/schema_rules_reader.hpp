#pragma once

#include <string>

#include "fieldsync/core/schema.hpp"
#include "fieldsync/schema.pb.h"

namespace fieldsync {

// Reading the rule declarations of the schema text (schema_rules.hpp), kept apart from
// the fields' types and values that schema.cpp reads.
void read_field_rules(const proto::Field& message, FieldSchema& field);
void read_collection_rules(const proto::Collection& message, CollectionSchema& collection);
RoleList read_roles(const google::protobuf::RepeatedPtrField<std::string>& roles);

// Every name a rule uses (roles, stages, fields, collections) must be declared, and every
// default must be a valid value: a typo must fail at start-up, not quietly allow a write.
// Throws Error(kSchemaMismatch) naming the declaration.
void check_rules(const Schema& schema);

}  // namespace fieldsync
