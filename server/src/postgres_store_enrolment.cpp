// The PostgreSQL store's one-time enrolment codes (Store::add_enrolment_code and
// redeem_enrolment_code), as the embedded store keeps them: by hash, open, used or replaced.
#include "enrolment_code.hpp"
#include "postgres_store_impl.hpp"

namespace fieldsync::server {

void PostgresStore::add_enrolment_code(const EnrolmentCode& code) {
  in_transaction([&](pqxx::transaction_base& txn) {
    // The user's row, locked: two `enrol` commands at once leave one open code.
    if (txn.exec_params("SELECT 1 FROM srv_users WHERE name = $1 FOR UPDATE", pg_text(code.user)).empty()) {
      throw Error(ErrorCode::kNotFound, "no user '" + code.user + "'");
    }
    txn.exec_params("UPDATE srv_enrolment_codes SET state = 'replaced' WHERE user_name = $1 AND state = 'open'",
                    code.user);
    txn.exec_params("DELETE FROM srv_enrolment_codes WHERE expires_ms < $1",
                    enrolment_codes_forgotten_before(code.created_ms));
    txn.exec_params(
        "INSERT INTO srv_enrolment_codes (code_hash, user_name, created_ms, expires_ms, token_ttl_ms) "
        "VALUES ($1, $2, $3, $4, $5)",
        code.code_hash, code.user, code.created_ms, code.expires_ms, code.token_ttl_ms);
  });
}

EnrolmentExchange PostgresStore::redeem_enrolment_code(const std::string& code_hash, std::uint64_t now_ms) {
  return in_transaction([&](pqxx::transaction_base& txn) {
    EnrolmentExchange out;
    // FOR UPDATE: two phones racing with one code, through two servers, get one token.
    const auto rows = txn.exec_params(
        "SELECT c.user_name, c.expires_ms, c.token_ttl_ms, c.state, u.disabled FROM srv_enrolment_codes c "
        "JOIN srv_users u ON u.name = c.user_name WHERE c.code_hash = $1 FOR UPDATE OF c",
        pg_text(code_hash));
    if (rows.empty()) return out;  // kUnknown
    const auto& row = rows[0];
    out.user = row[0].as<std::string>();
    const std::string state = row[3].as<std::string>();
    if (state == "used") {
      out.status = EnrolmentStatus::kUsed;
    } else if (state == "replaced") {
      out.status = EnrolmentStatus::kReplaced;
    } else if (row[1].as<std::uint64_t>() <= now_ms) {
      out.status = EnrolmentStatus::kExpired;
    } else if (row[4].as<bool>()) {
      out.status = EnrolmentStatus::kUserDisabled;
    } else {
      out.status = EnrolmentStatus::kIssued;
    }
    if (out.status != EnrolmentStatus::kIssued) return out;
    out.token = issue_token(out.user, row[2].as<std::uint64_t>(), now_ms);  // in this transaction
    txn.exec_params("UPDATE srv_enrolment_codes SET state = 'used', used_ms = $2, token_id = $3 WHERE code_hash = $1",
                    code_hash, now_ms, out.token.token_id);
    return out;
  });
}

}  // namespace fieldsync::server
