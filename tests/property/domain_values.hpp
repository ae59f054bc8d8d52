#pragma once

// Random valid values for the domain schema's fields, drawn from small pools so that
// concurrent writes of one field often agree (siblings, but no conflict) and often
// disagree (a conflict). Deterministic for a given generator state.

#include <random>
#include <string>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync::test {

class DomainValues {
 public:
  explicit DomainValues(std::mt19937_64& rng) : rng_(&rng) {}

  // A value `field` accepts; NULL sometimes when the field is optional.
  Value value_for(const FieldSchema& field);
  // Every required field plus some optional ones: a valid create.
  FieldValues create_values(const CollectionSchema& collection);
  // One to three fields, often one of the collection's "hot" fields so that replicas race.
  FieldValues update_values(const CollectionSchema& collection);
  // A declared field, often a hot one.
  const FieldSchema& pick_field(const CollectionSchema& collection);

  // Ids that reference fields may point at (customers created so far).
  void add_reference(const std::string& collection, const RecordId& id);

 private:
  std::size_t below(std::size_t n) { return static_cast<std::size_t>((*rng_)() % n); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(*rng_) < p; }
  std::string text(std::size_t max_length);
  std::string reference(const std::string& collection);

  std::mt19937_64* rng_;
  std::vector<std::pair<std::string, RecordId>> references_;
  std::uint64_t unique_ = 0;
};

}  // namespace fieldsync::test
