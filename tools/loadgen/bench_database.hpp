#pragma once

#include <cstddef>
#include <string>

namespace fieldsync::loadgen {

// A fresh PostgreSQL database for one benchmark configuration, created on the cluster of
// `maintenance_url` (a postgresql:// URL naming any database the user may connect to,
// e.g. postgres) and dropped, with any connection left to it, on destruction. Destroy
// the servers using it first. Throws Error(kStorage) when the cluster refuses.
class BenchDatabase {
 public:
  BenchDatabase(const std::string& maintenance_url, const std::string& name);
  ~BenchDatabase();
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // Connections the cluster holds to it right now (every server's pool and LISTEN).
  std::size_t connections() const;

 private:
  std::string maintenance_url_;
  std::string name_;
  std::string url_;
};

// How durable a commit on the cluster is: "fsync=on synchronous_commit=on
// full_page_writes=on" when an acknowledged commit survives a power loss. Throws
// Error(kStorage) when the cluster cannot be reached.
std::string postgres_durability(const std::string& url);

}  // namespace fieldsync::loadgen
