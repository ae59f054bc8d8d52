// The PostgreSQL store: replicas (epochs, counters, checkpoints), territory moves and
// tombstone collection. The same rules as the embedded store, in SQL.
#include <algorithm>

#include "postgres_store_impl.hpp"
#include "tokens.hpp"

namespace fieldsync::server {

ReplicaCheck PostgresStore::register_replica(const ReplicaId& replica, std::uint64_t counter,
                                             const std::string& epoch, std::uint64_t checkpoint,
                                             const std::string& user) {
  const std::string id = replica.to_string();
  const std::string presented = pg_text(epoch);  // from the hello: any bytes
  return in_transaction([&](pqxx::transaction_base& txn) -> ReplicaCheck {
    // Locked: a push of this replica on another server commits its epoch before or after.
    auto rows = txn.exec_params(
        "SELECT max_counter, epoch, pending_epoch, generation, full_pull_seq, user_name, full_pull_scope "
        "FROM srv_replicas WHERE replica_id = $1 FOR UPDATE",
        id);
    const std::string generation = read_setting(txn, kGenerationKey).value_or("");
    const bool known = !rows.empty();
    if (known && rows[0][5].as<std::string>() != user) return {ReplicaStatus::kOtherUser, {}};
    const std::string known_epoch = known ? rows[0][1].as<std::string>() : "";
    const std::string known_pending = known ? rows[0][2].as<std::string>() : "";
    const std::string known_generation = known ? rows[0][3].as<std::string>() : "";
    // Epochs handed out after the backup a restored store was made from are unknown to it.
    const bool same_generation = known && (known_generation.empty() || known_generation == generation);
    const bool epoch_known =
        !same_generation || presented == known_epoch || (!presented.empty() && presented == known_pending);
    if (known && (counter < rows[0][0].as<std::uint64_t>() || !epoch_known)) return {ReplicaStatus::kCounterWentBack, {}};
    const bool checkpoint_valid = same_generation && checkpoint <= read_head(txn);
    ReplicaCheck check{known ? ReplicaStatus::kKnown : ReplicaStatus::kNew, random_hex(8),
                       checkpoint_valid && known ? rows[0][4].as<std::uint64_t>() : 0,
                       checkpoint_valid && known ? rows[0][6].as<std::string>() : std::string()};
    txn.exec_params(
        "INSERT INTO srv_replicas (replica_id, user_name, max_counter, first_seen_ms, last_seen_ms, epoch, "
        "pending_epoch, generation, checkpoint) VALUES ($1, $2, 0, $3, $3, $4, $5, $6, $7) "
        "ON CONFLICT (replica_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms, epoch = excluded.epoch, "
        "pending_epoch = excluded.pending_epoch, generation = excluded.generation, checkpoint = excluded.checkpoint",
        id, user, clock_->now_ms(), presented, check.epoch, generation, checkpoint_valid ? checkpoint : 0);
    return check;
  });
}

void PostgresStore::note_checkpoints(std::span<const ReplicaCheckpoint> checkpoints) {
  // In replica order: two servers noting overlapping sets lock the rows in one order.
  std::vector<const ReplicaCheckpoint*> ordered;
  for (const auto& noted : checkpoints) ordered.push_back(&noted);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->replica.to_string() < b->replica.to_string(); });
  in_transaction([&](pqxx::transaction_base& txn) {
    const std::uint64_t head = read_head(txn);
    for (const auto* noted : ordered) {
      txn.exec_params(
          "UPDATE srv_replicas SET checkpoint = greatest(checkpoint, $2), full_pull_seq = greatest(full_pull_seq, $3), "
          "full_pull_scope = CASE WHEN $4 = '' THEN full_pull_scope ELSE $4 END WHERE replica_id = $1",
          noted->replica.to_string(), std::min(noted->checkpoint, head), std::min(noted->full_pull_seq, head),
          pg_text(noted->full_pull_scope));
    }
  });
}

void PostgresStore::note_territory_moves(std::span<const TerritoryMove> moves) {
  in_transaction([&](pqxx::transaction_base& txn) {
    for (const auto& move : moves) {
      txn.exec_params(
          "INSERT INTO srv_territory_moves (seq, from_territory, to_territory) VALUES ($1, $2, $3) "
          "ON CONFLICT (from_territory, to_territory) DO UPDATE SET seq = greatest(srv_territory_moves.seq, excluded.seq)",
          move.seq, pg_text(move.from), pg_text(move.to));
    }
  });
}

std::vector<TerritoryMove> PostgresStore::territory_moves_since(std::uint64_t after_seq) {
  return in_transaction([&](pqxx::transaction_base& txn) {
    std::vector<TerritoryMove> moves;
    for (const auto& row : txn.exec_params(
             "SELECT seq, from_territory, to_territory FROM srv_territory_moves WHERE seq > $1 ORDER BY seq", after_seq)) {
      moves.push_back({row[0].as<std::uint64_t>(), row[1].as<std::string>(), row[2].as<std::string>()});
    }
    return moves;
  });
}

TombstoneCollection PostgresStore::collect_tombstones(std::uint64_t now_ms, std::uint64_t horizon_ms) {
  return in_transaction([&](pqxx::transaction_base& txn) {
    TombstoneCollection result;
    // One server at a time: the others' periodic rounds find the lock taken and skip.
    if (!txn.exec_params("SELECT pg_try_advisory_xact_lock($1)", kPeriodicWorkLock)[0][0].as<bool>()) {
      result.collected_seq = read_number_setting(txn, kCollectedSeqKey);
      return result;
    }
    auto waited = txn.exec_params("SELECT count(*), min(checkpoint) FROM srv_replicas WHERE last_seen_ms >= $1",
                                  now_ms > horizon_ms ? now_ms - horizon_ms : 0);
    result.replicas_waited_for = waited[0][0].as<std::size_t>();
    result.up_to_seq = result.replicas_waited_for ? waited[0][1].as<std::uint64_t>() : read_head(txn);
    // A push holding one of these rows (FOR UPDATE) makes the delete wait and then look
    // again: a record it brought back to life, or renumbered past up_to_seq, stays.
    auto removed = txn.exec_params(
        "DELETE FROM srv_records WHERE deleted AND seq IS NOT NULL AND seq <= $1 RETURNING seq", result.up_to_seq);
    std::uint64_t max_seq = 0;
    for (const auto& row : removed) max_seq = std::max(max_seq, row[0].as<std::uint64_t>());
    result.records = removed.size();
    result.collected_seq = txn.exec_params(
                                  "UPDATE srv_settings SET value = greatest(value::bigint, $2)::text WHERE key = $1 "
                                  "RETURNING value::bigint",
                                  std::string(kCollectedSeqKey), max_seq)[0][0]
                               .as<std::uint64_t>();
    return result;
  });
}

std::uint64_t PostgresStore::collected_seq() {
  return in_transaction([&](pqxx::transaction_base& txn) { return read_number_setting(txn, kCollectedSeqKey); });
}

}  // namespace fieldsync::server
