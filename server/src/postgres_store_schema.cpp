// The PostgreSQL store's tables: numbered migrations, applied by the server itself.
#include <charconv>
#include <cstdio>

#include <pqxx/nontransaction>

#include "postgres_store_impl.hpp"

namespace fieldsync::server {
namespace {

// Numbered from 1; each runs in one transaction with its row in srv_migrations. Never
// edit one that has shipped: add the next.
constexpr const char* kPostgresMigrations[] = {
    // 1: everything the embedded store holds, in its shape. Records: one table for every
    // collection, keyed by (collection, id), holding the storage encoding of the state
    // (state_codec) and, for lookups by value (alive_record_with), each field's shown value
    // as value_key text in `shown`. `seq` is NULL only inside the push that writes the row:
    // it is stamped as the push's last step (see srv_sequence).
    R"sql(
      CREATE TABLE srv_settings (
        key text PRIMARY KEY,
        value text NOT NULL);
      INSERT INTO srv_settings (key, value) VALUES ('accounts_generation', '0'), ('collected_seq', '0');
      -- The server sequence: one row, whose lock a push holds from taking its numbers to
      -- its commit, so that sequence numbers become visible in order.
      CREATE TABLE srv_sequence (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        head bigint NOT NULL);
      INSERT INTO srv_sequence (head) VALUES (0);
      CREATE TABLE srv_records (
        collection text NOT NULL,
        id text NOT NULL,
        seq bigint,
        deleted boolean NOT NULL,
        state bytea NOT NULL,
        shown jsonb NOT NULL,
        PRIMARY KEY (collection, id));
      CREATE UNIQUE INDEX srv_records_by_seq ON srv_records (seq);
      CREATE TABLE srv_users (
        name text PRIMARY KEY,
        role text NOT NULL,
        territories text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        display_name text NOT NULL DEFAULT '');
      CREATE TABLE srv_tokens (
        token_id text PRIMARY KEY,
        secret_hash text NOT NULL,
        user_name text NOT NULL REFERENCES srv_users (name),
        issued_ms bigint NOT NULL,
        expires_ms bigint NOT NULL,
        revoked boolean NOT NULL DEFAULT false);
      CREATE TABLE srv_replicas (
        replica_id text PRIMARY KEY,
        user_name text NOT NULL,
        max_counter bigint NOT NULL DEFAULT 0,
        first_seen_ms bigint NOT NULL,
        last_seen_ms bigint NOT NULL,
        epoch text NOT NULL DEFAULT '',
        pending_epoch text NOT NULL DEFAULT '',
        generation text NOT NULL DEFAULT '',
        checkpoint bigint NOT NULL DEFAULT 0,
        full_pull_seq bigint NOT NULL DEFAULT 0,
        full_pull_scope text NOT NULL DEFAULT '');
      CREATE TABLE srv_audit (
        entry bigserial PRIMARY KEY,
        at_ms bigint NOT NULL,
        seq bigint NOT NULL,
        user_name text NOT NULL,
        replica text NOT NULL,
        collection text NOT NULL,
        id text NOT NULL,
        action text NOT NULL,
        fields text NOT NULL,
        detail text NOT NULL,
        changes text NOT NULL DEFAULT '');
      CREATE INDEX srv_audit_by_record ON srv_audit (collection, id);
      CREATE INDEX srv_audit_by_time ON srv_audit (at_ms);
      CREATE TABLE srv_territory_moves (
        from_territory text NOT NULL,
        to_territory text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (from_territory, to_territory));
    )sql",
    // 2: one-time enrolment codes (`fieldsync-server enrol`), by the SHA-256 of the code;
    // state open, used or replaced; token_id names the token a used code was exchanged for.
    R"sql(
      CREATE TABLE srv_enrolment_codes (
        code_hash text PRIMARY KEY,
        user_name text NOT NULL REFERENCES srv_users (name),
        created_ms bigint NOT NULL,
        expires_ms bigint NOT NULL,
        token_ttl_ms bigint NOT NULL,
        state text NOT NULL DEFAULT 'open',
        used_ms bigint NOT NULL DEFAULT 0,
        token_id text NOT NULL DEFAULT '');
      CREATE INDEX srv_enrolment_codes_by_user ON srv_enrolment_codes (user_name);
    )sql",
    // 3: reads by scope (ReadScope): each record's own territory and the id its scope
    // parent names (record_scope_columns), filled for older rows from `shown` by
    // fill_scope_columns_sql; a pull reads its territories' rows in sequence order.
    R"sql(
      ALTER TABLE srv_records ADD COLUMN territory text, ADD COLUMN scope_parent text;
      CREATE INDEX srv_records_by_territory ON srv_records (collection, territory, seq);
      CREATE INDEX srv_records_by_scope_parent ON srv_records (collection, scope_parent, seq);
      CREATE INDEX srv_records_by_collection ON srv_records (collection, seq);
    )sql",
};

// The migration whose columns fill_scope_columns_sql fills, from the schema.
constexpr int kScopeColumnsMigration = 3;

// Any constant both servers agree on: serialises migrations between processes.
constexpr std::int64_t kPostgresMigrationLock = 0x6669656c6473796e;  // "fieldsyn"

std::string pg_array_element(const std::string& item) {
  std::string out = "\"";
  for (char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The length of the UTF-8 sequence starting at `at` if it is valid and not NUL, else 0.
std::size_t pg_valid_sequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead == 0) return 0;
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) { length = 2; code = lead & 0x1F; }
  else if ((lead & 0xF0) == 0xE0) { length = 3; code = lead & 0x0F; }
  else if ((lead & 0xF8) == 0xF0) { length = 4; code = lead & 0x07; }
  else return 0;
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3F);
  }
  const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string quoted_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string quoted_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string pg_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    if (const std::size_t length = pg_valid_sequence(text, at)) {
      out.append(text.substr(at, length));
      at += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++at;
    }
  }
  return out;
}

void migrate_postgres_schema(pqxx::connection& connection, const Schema& schema) {
  pqxx::nontransaction session(connection);
  session.exec_params("SELECT pg_advisory_lock($1)", kPostgresMigrationLock);
  try {
    session.exec("CREATE TABLE IF NOT EXISTS srv_migrations (version integer PRIMARY KEY, "
                 "applied_at timestamptz NOT NULL DEFAULT now())");
    const auto applied = session.exec("SELECT coalesce(max(version), 0) FROM srv_migrations")[0][0].as<int>();
    for (int version = applied + 1; version <= static_cast<int>(std::size(kPostgresMigrations)); ++version) {
      session.exec("BEGIN");
      try {
        session.exec(kPostgresMigrations[version - 1]);
        if (version == kScopeColumnsMigration) {
          for (const auto& statement : fill_scope_columns_sql(schema)) session.exec(statement);
        }
        session.exec_params("INSERT INTO srv_migrations (version) VALUES ($1)", version);
        session.exec("COMMIT");
      } catch (...) {
        session.exec("ROLLBACK");
        throw;
      }
    }
    // A partial index per unique field (orders.order_number): the push's duplicate check
    // is an index lookup. Names come from the schema only.
    for (const auto& collection : schema.collections()) {
      for (const auto& field : collection.fields) {
        if (!field.unique) continue;
        const std::string index = "srv_unique_" + collection.name + "_" + field.name;
        session.exec("CREATE INDEX IF NOT EXISTS " + quoted_identifier(index) + " ON srv_records ((shown ->> " +
                     quoted_literal(field.name) + ")) WHERE collection = " + quoted_literal(collection.name) +
                     " AND NOT deleted");
      }
    }
  } catch (...) {
    session.exec_params("SELECT pg_advisory_unlock($1)", kPostgresMigrationLock);
    throw;
  }
  session.exec_params("SELECT pg_advisory_unlock($1)", kPostgresMigrationLock);
}

std::string value_key(const Value& value) {
  struct Key {
    std::string operator()(std::monostate) const { return "n:"; }
    std::string operator()(std::int64_t v) const { return "i:" + std::to_string(v); }
    std::string operator()(double v) const {
      char text[64];
      auto end = std::to_chars(text, text + sizeof text, v).ptr;
      return "r:" + std::string(text, end);
    }
    std::string operator()(const std::string& v) const { return "s:" + pg_text(v); }
    std::string operator()(bool v) const { return v ? "b:1" : "b:0"; }
  };
  return std::visit(Key{}, value);
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + pg_array_element(items[i]);
  return out + "}";
}

std::string number_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + std::to_string(items[i]);
  return out + "}";
}

std::optional<std::string> read_setting(pqxx::transaction_base& txn, const std::string& key) {
  auto rows = txn.exec_params("SELECT value FROM srv_settings WHERE key = $1", key);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::uint64_t read_number_setting(pqxx::transaction_base& txn, const std::string& key) {
  std::uint64_t value = 0;
  if (auto text = read_setting(txn, key)) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

}  // namespace fieldsync::server
