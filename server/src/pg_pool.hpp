#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

namespace fieldsync::server {

// A few PostgreSQL connections shared by the threads of one store: a call leases one for
// its transaction and gives it back when the lease ends, so concurrent calls run
// concurrently instead of queueing on one connection. Connections are opened on demand
// up to `size`; a caller finding all of them leased waits. A connection that broke is
// dropped on return and a fresh one opened by the next lease.
class PgPool {
 public:
  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<pqxx::connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    pqxx::connection& operator*() { return *connection_; }
    pqxx::connection* operator->() { return connection_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  // Opens one connection at once, so that a wrong URL fails here, saying why.
  PgPool(std::string url, std::size_t size);
  Lease lease();

 private:
  void give_back(std::unique_ptr<pqxx::connection> connection);

  const std::string url_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;  // idle and leased
};

// Opens a connection to `url`; throws Error(kIoError) saying why it could not.
std::unique_ptr<pqxx::connection> connect_postgres(const std::string& url);

}  // namespace fieldsync::server
