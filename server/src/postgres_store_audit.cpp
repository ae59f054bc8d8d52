// The PostgreSQL store: the audit log, written by pushes and read as a record's history.
#include "audit_changes.hpp"
#include "audit_text.hpp"
#include "postgres_store_impl.hpp"

namespace fieldsync::server {

void PostgresStore::write_audit(pqxx::transaction_base& txn, const PushContext& context,
                                const std::vector<PendingAudit>& entries) {
  if (entries.empty()) return;
  std::vector<std::int64_t> seqs;
  std::vector<std::string> collections, ids, actions, fields, details, changes;
  for (const auto& entry : entries) {
    seqs.push_back(static_cast<std::int64_t>(entry.seq));
    // Collection, id, field names and reason may come from a client: each is cut to the
    // bound, so that one entry stays small whatever was pushed.
    collections.push_back(pg_text(bounded_text(entry.collection, audit_text_bytes_)));
    ids.push_back(pg_text(bounded_text(entry.id, audit_text_bytes_)));
    actions.push_back(entry.action);
    fields.push_back(pg_text(bounded_text(join_list(entry.fields), audit_text_bytes_)));
    details.push_back(pg_text(bounded_text(entry.detail, audit_text_bytes_)));
    changes.push_back(pg_text(encode_changes(entry.changes)));
  }
  // One statement for the whole push; WITH ORDINALITY keeps the entries in batch order.
  txn.exec_params(
      "INSERT INTO srv_audit (at_ms, seq, user_name, replica, collection, id, action, fields, detail, changes) "
      "SELECT $1, e.seq, $2, $3, e.collection, e.id, e.action, e.fields, e.detail, e.changes "
      "FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) "
      "WITH ORDINALITY AS e(seq, collection, id, action, fields, detail, changes, n) ORDER BY e.n",
      context.now_ms, pg_text(context.user), context.replica.to_string(), number_array(seqs), text_array(collections),
      text_array(ids), text_array(actions), text_array(fields), text_array(details), text_array(changes));
}

std::vector<AuditEntry> PostgresStore::history(const std::string& collection, const RecordId& id) {
  return in_transaction([&](pqxx::transaction_base& txn) {
    std::vector<AuditEntry> out;
    // The display name as it is now: a user renamed since shows by the new name everywhere.
    for (const auto& row : txn.exec_params(
             "SELECT a.at_ms, a.seq, a.user_name, a.replica, a.collection, a.id, a.action, a.fields, a.detail, "
             "a.changes, coalesce(nullif(u.display_name, ''), a.user_name) FROM srv_audit a "
             "LEFT JOIN srv_users u ON u.name = a.user_name WHERE a.collection = $1 AND a.id = $2 ORDER BY a.entry",
             pg_text(collection), id.to_string())) {
      out.push_back({row[0].as<std::uint64_t>(), row[1].as<std::uint64_t>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(),
                     row[6].as<std::string>(), split_list(row[7].as<std::string>()), row[8].as<std::string>(),
                     decode_changes(row[9].as<std::string>()), row[10].as<std::string>()});
    }
    return out;
  });
}

std::size_t PostgresStore::prune_audit(std::uint64_t before_ms) {
  return in_transaction([&](pqxx::transaction_base& txn) -> std::size_t {
    // One server at a time (as tombstone collection): another one is at it already.
    if (!txn.exec_params("SELECT pg_try_advisory_xact_lock($1)", kPeriodicWorkLock)[0][0].as<bool>()) return 0;
    return static_cast<std::size_t>(
        txn.exec_params("DELETE FROM srv_audit WHERE at_ms < $1", before_ms).affected_rows());
  });
}

}  // namespace fieldsync::server
