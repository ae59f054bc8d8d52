#include "bench_database.hpp"

#include <unistd.h>

#include <pqxx/pqxx>

#include "fieldsync/core/error.hpp"

namespace fieldsync::loadgen {

namespace bench_database {

// `url` with its database (the path after host[:port]) replaced by `database`.
std::string with_database(const std::string& url, const std::string& database) {
  const std::size_t query = url.find('?');
  const std::string base = url.substr(0, query);
  const std::size_t scheme = base.find("://");
  const std::size_t slash = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
  if (slash == std::string::npos) throw Error(ErrorCode::kInvalidArgument, "not a postgresql:// URL with a database: " + url);
  return base.substr(0, slash + 1) + database + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace bench_database

BenchDatabase::BenchDatabase(const std::string& maintenance_url, const std::string& name)
    : maintenance_url_(maintenance_url),
      // The process id keeps two runs on one cluster apart.
      name_("fs_bench_" + name + "_" + std::to_string(::getpid())),
      url_(bench_database::with_database(maintenance_url, name_)) {
  try {
    pqxx::connection connection(maintenance_url_);
    pqxx::nontransaction session(connection);
    session.exec("DROP DATABASE IF EXISTS " + session.quote_name(name_));
    session.exec("CREATE DATABASE " + session.quote_name(name_));
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kStorage, "cannot create database " + name_ + ": " + e.what());
  }
}

BenchDatabase::~BenchDatabase() {
  try {
    pqxx::connection connection(maintenance_url_);
    pqxx::nontransaction session(connection);
    session.exec("DROP DATABASE IF EXISTS " + session.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A throwaway cluster goes with its database; a shared one keeps a leftover fs_bench_*.
  }
}

std::size_t BenchDatabase::connections() const {
  pqxx::connection connection(maintenance_url_);
  pqxx::nontransaction session(connection);
  return session.exec_params("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", name_)[0][0].as<std::size_t>();
}

std::string postgres_durability(const std::string& url) {
  try {
    pqxx::connection connection(url);
    pqxx::nontransaction session(connection);
    std::string text;
    for (const char* setting : {"fsync", "synchronous_commit", "full_page_writes"}) {
      if (!text.empty()) text += ' ';
      text += std::string(setting) + "=" + session.exec(std::string("SHOW ") + setting)[0][0].as<std::string>();
    }
    return text;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kStorage, std::string("cannot read the cluster's settings: ") + e.what());
  }
}

}  // namespace fieldsync::loadgen
