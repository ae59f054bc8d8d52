#include "pg_pool.hpp"

#include <pqxx/except>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {

std::unique_ptr<pqxx::connection> connect_postgres(const std::string& url) {
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const pqxx::broken_connection& e) {
    // libpq's message names the host and what went wrong; the URL may hold a password.
    throw Error(ErrorCode::kStorage, std::string("cannot connect to the PostgreSQL store: ") + e.what());
  }
}

PgPool::PgPool(std::string url, std::size_t size) : url_(std::move(url)), size_(size ? size : 1) {
  idle_.push_back(connect_postgres(url_));
  open_ = 1;
}

PgPool::Lease PgPool::lease() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++open_;  // counted before connecting, so that waiters do not all open one
  lock.unlock();
  try {
    return Lease(*this, connect_postgres(url_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void PgPool::give_back(std::unique_ptr<pqxx::connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->is_open()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;  // broken: the next lease opens a fresh one
  }
  returned_.notify_one();
}

}  // namespace fieldsync::server
