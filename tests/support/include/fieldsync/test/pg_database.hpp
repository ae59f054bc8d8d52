#pragma once

// Throwaway PostgreSQL databases for tests, on the cluster tools/pg-cluster starts (ctest's
// `postgres` fixture). Each test gets a database of its own, so tests stay independent.
//   FIELDSYNC_TEST_PG_URL     the cluster's maintenance URL (database postgres): the store
//                             contract tests' PostgreSQL instance uses it
//   FIELDSYNC_TEST_STORE_URL  the same, set only for the second run of the server suites:
//                             every fixture that starts a server then gives it a
//                             PostgreSQL store instead of the embedded one

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "fieldsync/core/error.hpp"

namespace fieldsync::test {

inline std::string env_text(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

// `url` with its database replaced by `database`.
inline std::string pg_url_with_database(const std::string& url, const std::string& database) {
  const auto query = url.find('?');
  const std::string base = url.substr(0, query);
  const auto slash = base.rfind('/');
  if (slash == std::string::npos || slash < std::string_view("postgresql://").size() - 1) {
    throw Error(ErrorCode::kInvalidArgument, "not a postgresql:// URL with a database: " + url);
  }
  return base.substr(0, slash + 1) + database + (query == std::string::npos ? "" : url.substr(query));
}

// Creates database `name` (if it does not exist) on the cluster of `maintenance_url`; its URL.
inline std::string ensure_pg_database(const std::string& maintenance_url, const std::string& name) {
  pqxx::connection connection(maintenance_url);
  pqxx::nontransaction session(connection);
  if (session.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty()) {
    session.exec("CREATE DATABASE " + session.quote_name(name));
  }
  return pg_url_with_database(maintenance_url, name);
}

// A new, empty database with a unique name; its URL.
inline std::string fresh_pg_database(const std::string& maintenance_url) {
  std::random_device random;
  const std::string name = "fs_test_" + std::to_string(random()) + "_" + std::to_string(random());
  return ensure_pg_database(maintenance_url, name);
}

// The store a test server on `data_dir` uses: "" (the embedded store) unless
// FIELDSYNC_TEST_STORE_URL is set, then a database named after the directory, so that a
// server restarted on the same directory finds its data again.
inline std::string test_store_for(const std::filesystem::path& data_dir) {
  const std::string cluster = env_text("FIELDSYNC_TEST_STORE_URL");
  if (cluster.empty()) return {};
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : std::filesystem::absolute(data_dir).lexically_normal().string()) hash = (hash ^ c) * 0x100000001b3ULL;
  return ensure_pg_database(cluster, "fs_dir_" + std::to_string(hash));
}

}  // namespace fieldsync::test
