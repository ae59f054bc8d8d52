#include "fieldsync/core/reference_order.hpp"

#include <algorithm>

namespace fieldsync {
namespace {

// References are followed at most this deep: the domain's longest chain is two (order
// line -> order -> customer); a cycle in a schema must not loop.
constexpr int kMaxReferenceDepth = 8;

int depth_of(const Schema& schema, const CollectionSchema& collection, int followed) {
  if (followed >= kMaxReferenceDepth) return followed;
  int depth = 0;
  for (const auto& field : collection.fields) {
    if (field.type != FieldType::kReference || field.references == collection.name) continue;
    if (const CollectionSchema* target = schema.collection(field.references)) {
      depth = std::max(depth, 1 + depth_of(schema, *target, followed + 1));
    }
  }
  return depth;
}

}  // namespace

std::map<std::string, int, std::less<>> reference_depths(const Schema& schema) {
  std::map<std::string, int, std::less<>> depths;
  for (const auto& collection : schema.collections()) depths[collection.name] = depth_of(schema, collection, 0);
  return depths;
}

}  // namespace fieldsync
