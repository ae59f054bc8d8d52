#pragma once

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace fieldsync::cli {

// Each adds one group of subcommands to `app`. `context` must outlive app.parse().
void add_admin_commands(CLI::App& app, const Context& context);         // init, schema, dump
void add_record_commands(CLI::App& app, const Context& context);        // put, get, list, delete
void add_rule_commands(CLI::App& app, const Context& context);          // moves
void add_conflict_commands(CLI::App& app, const Context& context);      // conflicts, resolve
void add_sync_file_commands(CLI::App& app, const Context& context);     // export-changes, merge-changes
void add_csv_commands(CLI::App& app, const Context& context);           // import, export
// sync, history, rejections: with a sync server. `history` alone works without --db.
void add_server_sync_commands(CLI::App& app, const Context& context);

}  // namespace fieldsync::cli
