// The PostgreSQL store: users and hashed tokens. Every change that can end or narrow an
// open connection moves accounts_generation on in its transaction, so that every server
// sharing the database looks its connections up again.
#include "display_name.hpp"
#include "postgres_store_impl.hpp"
#include "tokens.hpp"

namespace fieldsync::server {
namespace {

// From the columns name, role, territories, disabled, display_name starting at `first`.
UserRecord pg_user_from(const pqxx::row& row, int first) {
  const auto name = row[first].as<std::string>();
  auto role = parse_role(row[first + 1].as<std::string>());
  if (!role) throw Error(ErrorCode::kCorruptData, "user '" + name + "' has an unknown role");
  return UserRecord{name, *role, split_list(row[first + 2].as<std::string>()), row[first + 3].as<bool>(),
                    row[first + 4].as<std::string>()};
}

void pg_bump_accounts_generation(pqxx::transaction_base& txn) {
  txn.exec_params("UPDATE srv_settings SET value = (value::bigint + 1)::text WHERE key = $1",
                  std::string(kAccountsGenerationKey));
}

}  // namespace

void PostgresStore::add_user(const UserRecord& user) {
  if (user.name.empty()) throw Error(ErrorCode::kInvalidArgument, "a user needs a name");
  const std::string display_name = checked_display_name(user.name, user.display_name);
  in_transaction([&](pqxx::transaction_base& txn) {
    auto added = txn.exec_params(
        "INSERT INTO srv_users (name, role, territories, display_name) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING",
        pg_text(user.name), std::string(role_name(user.role)), pg_text(join_list(user.territories)), display_name);
    if (added.affected_rows() == 0) throw Error(ErrorCode::kAlreadyExists, "user '" + user.name + "' already exists");
  });
}

std::vector<UserRecord> PostgresStore::users() {
  return in_transaction([&](pqxx::transaction_base& txn) {
    std::vector<UserRecord> out;
    for (const auto& row : txn.exec("SELECT name, role, territories, disabled, display_name FROM srv_users ORDER BY name")) {
      out.push_back(pg_user_from(row, 0));
    }
    return out;
  });
}

std::vector<DeviceRecord> PostgresStore::devices() {
  return in_transaction([&](pqxx::transaction_base& txn) {
    std::vector<DeviceRecord> out;
    for (const auto& row : txn.exec("SELECT replica_id, user_name FROM srv_replicas ORDER BY user_name, first_seen_ms")) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    }
    return out;
  });
}

void PostgresStore::set_user_display_name(const std::string& user, const std::string& display_name) {
  const std::string checked = checked_display_name(user, display_name);
  in_transaction([&](pqxx::transaction_base& txn) {
    auto changed = txn.exec_params("UPDATE srv_users SET display_name = $2 WHERE name = $1", pg_text(user), checked);
    if (changed.affected_rows() == 0) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
  });
}

void PostgresStore::set_user_disabled(const std::string& user, bool disabled) {
  in_transaction([&](pqxx::transaction_base& txn) {
    auto changed = txn.exec_params("UPDATE srv_users SET disabled = $2 WHERE name = $1", pg_text(user), disabled);
    if (changed.affected_rows() == 0) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
    pg_bump_accounts_generation(txn);
  });
}

void PostgresStore::set_user_territories(const std::string& user, const std::vector<std::string>& territories) {
  in_transaction([&](pqxx::transaction_base& txn) {
    auto changed = txn.exec_params("UPDATE srv_users SET territories = $2 WHERE name = $1", pg_text(user),
                                   pg_text(join_list(territories)));
    if (changed.affected_rows() == 0) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
    pg_bump_accounts_generation(txn);
  });
}

IssuedToken PostgresStore::issue_token(const std::string& user, std::uint64_t ttl_ms, std::uint64_t now_ms) {
  return in_transaction([&](pqxx::transaction_base& txn) {
    if (txn.exec_params("SELECT 1 FROM srv_users WHERE name = $1", pg_text(user)).empty()) {
      throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
    }
    TokenParts parts{random_hex(6), random_hex(24)};
    IssuedToken issued{make_token(parts), parts.id, now_ms + ttl_ms};
    txn.exec_params(
        "INSERT INTO srv_tokens (token_id, secret_hash, user_name, issued_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)",
        parts.id, sha256_hex(parts.secret), user, now_ms, issued.expires_ms);
    return issued;
  });
}

bool PostgresStore::revoke_token(const std::string& token_id) {
  return in_transaction([&](pqxx::transaction_base& txn) {
    auto changed = txn.exec_params("UPDATE srv_tokens SET revoked = true WHERE token_id = $1", pg_text(token_id));
    if (changed.affected_rows() == 0) return false;
    pg_bump_accounts_generation(txn);
    return true;
  });
}

std::vector<TokenInfo> PostgresStore::tokens() {
  return in_transaction([&](pqxx::transaction_base& txn) {
    std::vector<TokenInfo> out;
    for (const auto& row :
         txn.exec("SELECT token_id, user_name, issued_ms, expires_ms, revoked FROM srv_tokens ORDER BY issued_ms, token_id")) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::uint64_t>(),
                     row[3].as<std::uint64_t>(), row[4].as<bool>()});
    }
    return out;
  });
}

// Read from the database every time: admin commands and other servers change it.
std::uint64_t PostgresStore::accounts_generation() {
  return in_transaction([&](pqxx::transaction_base& txn) { return read_number_setting(txn, kAccountsGenerationKey); });
}

Principal PostgresStore::authenticate(const std::string& token, std::uint64_t now_ms) {
  TokenParts parts = split_token(token);
  return in_transaction([&](pqxx::transaction_base& txn) { return token_principal(txn, parts.id, &parts.secret, now_ms); });
}

Principal PostgresStore::principal_of_token(const std::string& token_id, std::uint64_t now_ms) {
  return in_transaction([&](pqxx::transaction_base& txn) { return token_principal(txn, token_id, nullptr, now_ms); });
}

Principal PostgresStore::token_principal(pqxx::transaction_base& txn, const std::string& token_id,
                                         const std::string* secret, std::uint64_t now_ms) {
  auto rows = txn.exec_params(
      "SELECT t.secret_hash, t.expires_ms, t.revoked, u.name, u.role, u.territories, u.disabled, u.display_name "
      "FROM srv_tokens t JOIN srv_users u ON u.name = t.user_name WHERE t.token_id = $1",
      pg_text(token_id));
  if (rows.empty() || (secret && rows[0][0].as<std::string>() != sha256_hex(*secret))) {
    throw Error(ErrorCode::kUnauthenticated, "the token is not known to this server");
  }
  if (rows[0][2].as<bool>()) throw Error(ErrorCode::kUnauthenticated, "the token was revoked");
  if (rows[0][1].as<std::uint64_t>() <= now_ms) throw Error(ErrorCode::kUnauthenticated, "the token has expired");
  UserRecord user = pg_user_from(rows[0], 3);
  if (user.disabled) throw Error(ErrorCode::kUnauthenticated, "the user '" + user.name + "' is disabled");
  return Principal{user.name, user.role, user.territories, token_id};
}

}  // namespace fieldsync::server
