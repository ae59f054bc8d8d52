#pragma once

// The PostgreSQL store's class, shared by its source files (postgres_store*.cpp, one job
// each). Not a public header: open_postgres_store (postgres_store.hpp) is the way in.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/store.hpp"
#include "pg_commit_listener.hpp"
#include "pg_pool.hpp"
#include "stored_lists.hpp"

namespace fieldsync::server {

// Applies the numbered migrations srv_migrations does not list yet, each in one
// transaction, under an advisory lock so that two servers starting at once do not both
// migrate; then the indexes of the schema's unique fields (postgres_store_schema.cpp).
void migrate_postgres_schema(pqxx::connection& connection, const Schema& schema);

// The key alive_record_with compares a field's shown value by, as kept in srv_records.shown
// (a JSON object field name -> key): the value's type and its text, so that 1 and "1" differ.
std::string value_key(const Value& value);
// A PostgreSQL array literal ('{"a","b"}') of texts or numbers, for unnest($1::text[]):
// one statement for many rows.
std::string text_array(const std::vector<std::string>& items);
// SQL literals for names the schema vouches for (index names, field names in lookups).
std::string quoted_identifier(const std::string& name);
std::string quoted_literal(const std::string& text);
// `text` as PostgreSQL's text type accepts it: valid UTF-8 without NUL (each bad byte
// becomes U+FFFD). Clients may push anything in an audit's collection or reason.
std::string pg_text(std::string_view text);
std::string number_array(const std::vector<std::int64_t>& items);

// What srv_records keeps beside a state: its resolved `_deleted`, and each field's shown
// value as value_key text (a JSON object), for lookups by value.
// What srv_records keeps of a record's place, for reads by scope (migration 3): its own
// territory field's text, and the id its scope parent reference names (lower case).
struct RecordScopeColumns {
  std::optional<std::string> territory;
  std::optional<std::string> scope_parent;
};
// From the record's shown values (resolve_all), as pg_text.
RecordScopeColumns record_scope_columns(const CollectionSchema& collection, const std::vector<Value>& shown);
// The statements that fill those columns of rows written before migration 3.
std::vector<std::string> fill_scope_columns_sql(const Schema& schema);

struct RecordRow {
  bool deleted = false;
  std::string shown;
  RecordScopeColumns scope{};
};
RecordRow record_row(const CollectionSchema& collection, const RecordState& state);

// A page of changes within a TerritoryFilter: $1 after, $2 head, $3 limit and, if
// binds_territories, $4 the territories (text_array of pg_text). Empty sql: the filter
// keeps nothing.
struct ScopedChangesSql {
  std::string sql;
  bool binds_territories = false;
};
ScopedChangesSql scoped_changes_sql(const Schema& schema, const TerritoryFilter& filter);

// Settings rows (srv_settings) the store keeps.
inline constexpr const char* kGenerationKey = "generation";
inline constexpr const char* kAccountsGenerationKey = "accounts_generation";
inline constexpr const char* kCollectedSeqKey = "collected_seq";

// The transaction-scoped advisory lock the periodic work (tombstone collection, audit
// pruning) takes with pg_try_advisory_xact_lock: one server at a time does it, the others
// skip their round. Any constant every server agrees on ("fsperiod").
inline constexpr std::int64_t kPeriodicWorkLock = 0x6673706572696f64;

class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& url, const Schema& schema, const Clock& clock, std::size_t audit_text_bytes,
                std::size_t connections);

  // Records and the sequence (postgres_store.cpp).
  PushResult push(const PushContext& context, std::span<const RecordState> records, const WriteCheck& check) override;
  using Store::changes_since;
  // Held states are found by hashing each state read (srv_records keeps no digests).
  ChangePage changes_since(std::uint64_t after_seq, std::size_t limit, const ReadScope& scope,
                           const ReadCheck& visible, const HeldStates& held) override;
  std::optional<RecordState> get(const std::string& collection, const RecordId& id) override;
  std::optional<RecordId> alive_record_with(const std::string& collection, const std::string& field,
                                            const Value& value, const RecordId& except) override;
  std::uint64_t head() override;
  // Every server's commits, through LISTEN/NOTIFY (pg_commit_listener.hpp).
  CommitSubscription on_commit(std::function<void()> listener) override { return commits_.subscribe(std::move(listener)); }
  std::string generation() override;
  void backup(const std::filesystem::path& file) override;

  // Replicas, checkpoints, territory moves, tombstones (postgres_store_replicas.cpp).
  ReplicaCheck register_replica(const ReplicaId& replica, std::uint64_t counter, const std::string& epoch,
                                std::uint64_t checkpoint, const std::string& user) override;
  void note_checkpoints(std::span<const ReplicaCheckpoint> checkpoints) override;
  void note_territory_moves(std::span<const TerritoryMove> moves) override;
  std::vector<TerritoryMove> territory_moves_since(std::uint64_t after_seq) override;
  TombstoneCollection collect_tombstones(std::uint64_t now_ms, std::uint64_t horizon_ms) override;
  std::uint64_t collected_seq() override;

  // Users and tokens (postgres_store_accounts.cpp).
  void add_user(const UserRecord& user) override;
  std::vector<UserRecord> users() override;
  std::vector<DeviceRecord> devices() override;
  void set_user_display_name(const std::string& user, const std::string& display_name) override;
  void set_user_disabled(const std::string& user, bool disabled) override;
  void set_user_territories(const std::string& user, const std::vector<std::string>& territories) override;
  IssuedToken issue_token(const std::string& user, std::uint64_t ttl_ms, std::uint64_t now_ms) override;
  bool revoke_token(const std::string& token_id) override;
  // Enrolment codes (postgres_store_enrolment.cpp).
  void add_enrolment_code(const EnrolmentCode& code) override;
  EnrolmentExchange redeem_enrolment_code(const std::string& code_hash, std::uint64_t now_ms) override;
  std::vector<TokenInfo> tokens() override;
  Principal authenticate(const std::string& token, std::uint64_t now_ms) override;
  Principal principal_of_token(const std::string& token_id, std::uint64_t now_ms) override;
  std::uint64_t accounts_generation() override;

  // The audit log (postgres_store_audit.cpp).
  std::vector<AuditEntry> history(const std::string& collection, const RecordId& id) override;
  std::size_t prune_audit(std::uint64_t before_ms) override;

  const Schema& schema() const { return *schema_; }

  // Runs `body(txn)` in this thread's open transaction if there is one (a push's write
  // check and a pull's read filter call get() and users() from inside), else in a new
  // transaction of type Txn on a leased connection, committed when `body` returns.
  // PostgreSQL errors come out as Error(kStorage), except conflicts a push retries.
  template <class Txn = pqxx::work, class Body>
  auto in_transaction(Body&& body) {
    if (pqxx::transaction_base* open = open_transaction()) return body(*open);
    auto connection = pool_.lease();
    try {
      Txn txn(*connection);
      OpenTransaction registered(*this, txn);
      if constexpr (std::is_void_v<decltype(body(txn))>) {
        body(txn);
        txn.commit();
      } else {
        auto result = body(txn);
        txn.commit();
        return result;
      }
    } catch (const pqxx::transaction_rollback&) {
      throw;  // a deadlock or serialization failure: the caller may retry
    } catch (const pqxx::failure& e) {
      throw Error(ErrorCode::kStorage, std::string("PostgreSQL store: ") + e.what());
    }
  }

 private:
  // Registers a transaction as this thread's open one for its scope.
  class OpenTransaction {
   public:
    OpenTransaction(PostgresStore& store, pqxx::transaction_base& txn);
    ~OpenTransaction();
    OpenTransaction(const OpenTransaction&) = delete;
    OpenTransaction& operator=(const OpenTransaction&) = delete;

   private:
    PostgresStore* store_;
  };
  pqxx::transaction_base* open_transaction();

  PushResult push_once(pqxx::transaction_base& txn, const PushContext& context, std::span<const RecordState> records,
                       const WriteCheck& check);
  void claim_epoch(pqxx::transaction_base& txn, const PushContext& context);
  std::optional<RecordState> load(pqxx::transaction_base& txn, const std::string& collection, const std::string& id,
                                  bool for_update);
  static std::uint64_t read_head(pqxx::transaction_base& txn);
  Principal token_principal(pqxx::transaction_base& txn, const std::string& token_id, const std::string* secret,
                            std::uint64_t now_ms);

 public:
  // An audit entry of a push, written once the push's sequence numbers are known.
  struct PendingAudit {
    std::uint64_t seq = 0;
    std::string collection;
    std::string id;
    std::string action;
    std::vector<std::string> fields;
    std::string detail;
    std::vector<FieldChange> changes;
  };
  // Writes a push's audit entries in order, in one statement (postgres_store_audit.cpp).
  void write_audit(pqxx::transaction_base& txn, const PushContext& context, const std::vector<PendingAudit>& entries);

 private:
  const Schema* schema_;
  const Clock* clock_;
  const std::size_t audit_text_bytes_;
  PgPool pool_;
  PgCommitListener commits_;
  std::mutex open_mutex_;
  std::map<std::thread::id, pqxx::transaction_base*> open_;
};

// srv_settings as numbers and texts, inside a transaction.
std::optional<std::string> read_setting(pqxx::transaction_base& txn, const std::string& key);
std::uint64_t read_number_setting(pqxx::transaction_base& txn, const std::string& key);


}  // namespace fieldsync::server
