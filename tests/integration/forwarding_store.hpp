#pragma once

// A Store that hands every call to another one: the base of test decorators that slow a
// call down or watch the commit signal. Test-only.

#include <memory>
#include <utility>

#include "fieldsync/server/store.hpp"

namespace fieldsync::testing {

class ForwardingStore : public server::Store {
 public:
  explicit ForwardingStore(std::unique_ptr<server::Store> inner) : inner_(std::move(inner)) {}

  server::PushResult push(const server::PushContext& context, std::span<const RecordState> records,
                          const WriteCheck& check) override {
    return inner_->push(context, records, check);
  }
  using server::Store::changes_since;
  server::ChangePage changes_since(std::uint64_t after_seq, std::size_t limit, const server::ReadScope& scope,
                                   const ReadCheck& visible, const HeldStates& held) override {
    return inner_->changes_since(after_seq, limit, scope, visible, held);
  }
  std::optional<RecordState> get(const std::string& collection, const RecordId& id) override {
    return inner_->get(collection, id);
  }
  std::optional<RecordId> alive_record_with(const std::string& collection, const std::string& field,
                                            const Value& value, const RecordId& except) override {
    return inner_->alive_record_with(collection, field, value, except);
  }
  std::uint64_t head() override { return inner_->head(); }
  server::ReplicaCheck register_replica(const ReplicaId& replica, std::uint64_t counter, const std::string& epoch,
                                        std::uint64_t checkpoint, const std::string& user) override {
    return inner_->register_replica(replica, counter, epoch, checkpoint, user);
  }
  void note_checkpoints(std::span<const server::ReplicaCheckpoint> checkpoints) override {
    inner_->note_checkpoints(checkpoints);
  }
  void note_territory_moves(std::span<const server::TerritoryMove> moves) override {
    inner_->note_territory_moves(moves);
  }
  std::vector<server::TerritoryMove> territory_moves_since(std::uint64_t after_seq) override {
    return inner_->territory_moves_since(after_seq);
  }
  server::TombstoneCollection collect_tombstones(std::uint64_t now_ms, std::uint64_t horizon_ms) override {
    return inner_->collect_tombstones(now_ms, horizon_ms);
  }
  std::uint64_t collected_seq() override { return inner_->collected_seq(); }
  void add_user(const server::UserRecord& user) override { inner_->add_user(user); }
  std::vector<server::UserRecord> users() override { return inner_->users(); }
  std::vector<server::DeviceRecord> devices() override { return inner_->devices(); }
  void set_user_display_name(const std::string& user, const std::string& display_name) override {
    inner_->set_user_display_name(user, display_name);
  }
  void set_user_disabled(const std::string& user, bool disabled) override { inner_->set_user_disabled(user, disabled); }
  void set_user_territories(const std::string& user, const std::vector<std::string>& territories) override {
    inner_->set_user_territories(user, territories);
  }
  server::IssuedToken issue_token(const std::string& user, std::uint64_t ttl_ms, std::uint64_t now_ms) override {
    return inner_->issue_token(user, ttl_ms, now_ms);
  }
  bool revoke_token(const std::string& token_id) override { return inner_->revoke_token(token_id); }
  void add_enrolment_code(const server::EnrolmentCode& code) override { inner_->add_enrolment_code(code); }
  server::EnrolmentExchange redeem_enrolment_code(const std::string& code_hash, std::uint64_t now_ms) override {
    return inner_->redeem_enrolment_code(code_hash, now_ms);
  }
  std::vector<server::TokenInfo> tokens() override { return inner_->tokens(); }
  server::Principal authenticate(const std::string& token, std::uint64_t now_ms) override {
    return inner_->authenticate(token, now_ms);
  }
  server::Principal principal_of_token(const std::string& token_id, std::uint64_t now_ms) override {
    return inner_->principal_of_token(token_id, now_ms);
  }
  std::uint64_t accounts_generation() override { return inner_->accounts_generation(); }
  std::vector<server::AuditEntry> history(const std::string& collection, const RecordId& id) override {
    return inner_->history(collection, id);
  }
  std::size_t prune_audit(std::uint64_t before_ms) override { return inner_->prune_audit(before_ms); }
  server::CommitSubscription on_commit(std::function<void()> listener) override {
    return inner_->on_commit(std::move(listener));
  }
  std::string generation() override { return inner_->generation(); }
  void backup(const std::filesystem::path& file) override { inner_->backup(file); }

 protected:
  server::Store& inner() { return *inner_; }

 private:
  std::unique_ptr<server::Store> inner_;
};

}  // namespace fieldsync::testing
