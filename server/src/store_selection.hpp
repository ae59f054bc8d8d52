#pragma once

#include <memory>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/config.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// The store `config` names: PostgreSQL for a `store` URL, else the embedded SQLite store
// in data_dir. The server and its admin commands open it alike.
std::unique_ptr<Store> open_configured_store(const ServerConfig& config, const Schema& schema, const Clock& clock);

}  // namespace fieldsync::server
