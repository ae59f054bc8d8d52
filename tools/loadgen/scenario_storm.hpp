#pragma once

// `storm`, the morning sync storm: its plan, its untimed set-up and its bare SQLite
// baseline. docs/benchmarks.md ("Morning storm") says what is timed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/server/store.hpp"
#include "options.hpp"

namespace fieldsync::loadgen::storm {

// The sizes of one storm. Reps come two to a territory: rep r works territory r / 2.
struct Plan {
  std::size_t reps = 500;
  std::size_t territories = 250;
  std::size_t customers_per_territory = 500;
  std::size_t edits = 20;        // offline edits per rep
  std::size_t conflicting = 2;   // of those, on records the territory's other rep edits too
  std::size_t changed_per_territory = 10;  // changed on the server since yesterday
  double ramp_s = 60.0;

  // Throws Error(kInvalidArgument) when a territory is too small for the edits.
  static Plan from(const Options& options);
  std::string territory(std::size_t index) const;
  std::size_t territory_of(std::size_t rep) const { return rep / 2; }
  // Indexes into a territory's customers (sorted by id) that rep `rep` edits: the shared
  // ones first, then its own (the two reps of a territory take alternate ones).
  std::vector<std::size_t> edited_indexes(std::size_t rep) const;
  // The indexes the office changes since yesterday: the last ones of the territory.
  std::size_t first_changed_index() const { return customers_per_territory - changed_per_territory; }
};

// The phone rep `rep` writes into its `n`th edited record.
std::string rep_phone(std::size_t rep, std::size_t n);
// The email the office writes into a changed record.
std::string office_email(std::size_t territory, std::size_t index);

// Users and tokens, made in the server's data directory before it starts.
struct Accounts {
  std::string office_token;  // a rep covering every territory: it seeds and changes the store
  std::vector<std::string> rep_tokens;
};
// Adds the office and the reps to `store` and issues their tokens.
Accounts add_accounts(server::Store& store, const Plan& plan, std::uint64_t now_ms);

// One rep as the storm finds it: a replica file synced yesterday, with offline edits.
struct RepDevice {
  std::string path;
  std::uint64_t checkpoint = 0;           // the server sequence it pulled to yesterday
  std::vector<RecordId> edited;           // in edit order; value rep_phone(rep, n)
  std::vector<RecordId> changed;          // the records the office changed since yesterday
  std::vector<std::size_t> changed_index;  // their index in the territory
};

// The office's replica (in memory) holding every customer, and the server loaded with them.
struct Office {
  Replica replica;
  std::vector<std::vector<RecordId>> territory_ids;  // each territory's customers, sorted by id
};

// Untimed set-up, in order: the office creates and pushes the customers; every rep syncs
// a fresh replica file in `dir` (its territory "as of yesterday", with a checkpoint); the
// office changes its share of every territory and pushes it; every rep edits offline.
// Throws Error if any step fails: a storm on a half-made set-up would measure nothing.
Office seed_office(const Plan& plan, const std::string& url, const std::string& token, bool progress);
std::vector<RepDevice> sync_reps_yesterday(const Plan& plan, const std::string& url, const Accounts& accounts,
                                           const std::string& dir, bool progress);
void change_since_yesterday(const Plan& plan, Office& office, const std::string& url, const std::string& token);
void edit_offline(const Plan& plan, std::vector<RepDevice>& devices, bool progress);

// The bare SQLite update path the storm's merges are held against.
struct BaselineResult {
  std::size_t transactions = 0;
  std::size_t records = 0;
  double seconds = 0;
};
// Copies the office's database (same table, blob and indexes as the server's records)
// to `file`, then times, with synchronous=FULL, one transaction per rep push updating the
// same records a rep edits (phone, state blob, sequence), in `order` of the reps.
BaselineResult run_baseline(const Plan& plan, Office& office, const std::string& file,
                            const std::vector<std::size_t>& order);

}  // namespace fieldsync::loadgen::storm
