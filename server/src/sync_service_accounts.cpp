// SyncService: open connections checked again against the store's tokens and users, so that
// a revoked token, a disabled user or a user's new territories take effect on connections
// already open, not only on the next ones.
#include <set>
#include <utility>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/server/sync_service.hpp"

namespace fieldsync::server {

namespace {

bool same_scope(const Principal& a, const Principal& b) { return scope_key(a) == scope_key(b); }

std::string ended_text(const std::string& refusal) {
  return "access ended: " + refusal + "; ask an administrator for a new token";
}

}  // namespace

SyncService::TokenLookup SyncService::look_up_token(const std::string& token_id) {
  try {
    return {store_->principal_of_token(token_id, clock_->now_ms()), {}};
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kUnauthenticated) throw;  // the store failed: decide nothing
    return {std::nullopt, e.what()};
  }
}

void SyncService::apply_lookup(const std::string& token_id, const TokenLookup& lookup, std::uint64_t generation,
                               std::vector<AccountAction>& actions, AccountCheck& done) {
  for (auto& [id, open] : open_) {
    if (open.principal.token_id != token_id || open.checked_generation >= generation || !open.refusal.empty()) {
      continue;
    }
    open.checked_generation = generation;
    if (!lookup.principal) {
      open.refusal = lookup.refusal;
      live_.erase(id);
      ++done.ended;
      metrics_->error(ErrorCode::kUnauthenticated);
      if (auto sink = open.sink.lock()) {
        actions.push_back({std::move(sink),
                           error_message(ErrorCode::kUnauthenticated, ended_text(open.refusal), true), true});
      }
      continue;
    }
    if (same_scope(open.principal, *lookup.principal)) continue;
    open.principal = *lookup.principal;
    ++open.principal_version;
    ++done.rescoped;
    auto live = live_.find(id);
    if (live == live_.end()) {
      open.resync_due = true;  // told when its pull catches up (SyncService::pull)
      continue;
    }
    // Live: every change up to its position has been sent to it, so that is its
    // checkpoint. It pulls from 0 now and is live again after.
    const std::uint64_t position = live->second.position;
    live_.erase(live);
    metrics_->resync_requested();
    if (auto sink = open.sink.lock()) actions.push_back({std::move(sink), resync_batch(position), false});
  }
}

void SyncService::run_actions(std::vector<AccountAction>& actions) {
  for (auto& action : actions) {
    if (action.end) {
      action.sink->end(std::move(action.message));
    } else {
      action.sink->deliver(std::move(action.message));
    }
  }
  actions.clear();  // dropping the last reference to a session must happen outside mutex_
}

AccountCheck SyncService::check_accounts() {
  const std::uint64_t generation = store_->accounts_generation();
  std::set<std::string> tokens;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, open] : open_) {
      // No token id: a principal made in-process (tests, tools), with nothing to check.
      if (open.checked_generation < generation && open.refusal.empty() && !open.principal.token_id.empty()) {
        tokens.insert(open.principal.token_id);
      }
    }
  }
  AccountCheck done;
  if (tokens.empty()) return done;
  // Looked up outside mutex_: pushes and pulls go on meanwhile. A change made after the
  // generation was read moves it on again, so the next check sees it.
  std::vector<std::pair<std::string, TokenLookup>> lookups;
  lookups.reserve(tokens.size());
  for (const auto& token_id : tokens) lookups.emplace_back(token_id, look_up_token(token_id));
  std::vector<AccountAction> actions;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [token_id, lookup] : lookups) apply_lookup(token_id, lookup, generation, actions, done);
  }
  run_actions(actions);
  return done;
}

std::optional<Reply> SyncService::account_gate(Connection& connection) {
  const std::uint64_t generation = store_->accounts_generation();
  std::optional<std::string> recheck;
  {
    std::lock_guard lock(mutex_);
    auto it = open_.find(connection.id);
    if (it == open_.end()) return std::nullopt;
    if (it->second.refusal.empty() && it->second.checked_generation < generation &&
        !it->second.principal.token_id.empty()) {
      recheck = it->second.principal.token_id;
    }
  }
  if (recheck) {
    // Only this connection's token here, on its I/O thread; the others are the timer's.
    const TokenLookup lookup = look_up_token(*recheck);
    std::vector<AccountAction> actions;
    AccountCheck done;
    {
      std::lock_guard lock(mutex_);
      apply_lookup(*recheck, lookup, generation, actions, done);
    }
    // This connection's own end is the fatal reply below, not a second error message.
    std::erase_if(actions, [&](const AccountAction& action) {
      return action.end && action.sink == connection.sink.lock();
    });
    run_actions(actions);
  }
  std::lock_guard lock(mutex_);
  auto it = open_.find(connection.id);
  if (it == open_.end()) return std::nullopt;
  if (!it->second.refusal.empty()) {
    return Reply{{error_message(ErrorCode::kUnauthenticated, ended_text(it->second.refusal), true)}, true};
  }
  current_principal(connection);
  return std::nullopt;
}

const Principal& SyncService::current_principal(Connection& connection) {
  auto it = open_.find(connection.id);
  if (it != open_.end() && it->second.principal_version != connection.principal_version) {
    connection.principal = it->second.principal;
    connection.principal_version = it->second.principal_version;
  }
  return connection.principal;
}

bool SyncService::pulled_under_other_scope(const ReplicaId& replica, const ReplicaCheck& check, const Principal& who) {
  std::string scope = check.full_pull_scope;
  {
    std::lock_guard lock(mutex_);
    auto it = pulled_.find(replica);  // not yet flushed to the store: newer
    if (it != pulled_.end() && !it->second.full_pull_scope.empty()) scope = it->second.full_pull_scope;
  }
  // Empty: pulled before scopes were noted (or never from 0); nothing to compare with.
  return !scope.empty() && scope != scope_key(who);
}

bool SyncService::take_resync_due(std::uint64_t id) {
  auto it = open_.find(id);
  if (it == open_.end() || !it->second.resync_due) return false;
  it->second.resync_due = false;
  return true;
}

proto::Envelope SyncService::resync_batch(std::uint64_t to_seq) const {
  proto::Envelope message;
  message.set_protocol_version(kProtocolVersion);
  message.mutable_batch()->set_to_seq(to_seq);
  message.mutable_batch()->set_resync(true);
  return message;
}

}  // namespace fieldsync::server
