#pragma once

// The undo of a record's last lifecycle move (Replica::undo_last_move), kept in the
// replica's `fs_undo` table: one row per record, holding the record as it was before the
// move (storage bytes) and its outbox entry then, until the move leaves the replica (a push
// reads it) or is superseded (the record changes again, by a local write or a merge).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fieldsync/core/sqlite.hpp"

namespace fieldsync {

struct MoveUndo {
  std::string previous_state;                   // encode_state of the record before the move
  std::optional<std::uint64_t> previous_change;  // its outbox entry then; nullopt: nothing pending
  std::uint64_t move_seq = 0;     // the record's change sequence after the move
  std::uint64_t move_change = 0;  // the move's dot counter (its outbox entry)
};

// The table, created by the replica's migration 3.
inline constexpr const char* kMoveUndoTableSql = R"sql(
  CREATE TABLE fs_undo (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    previous_state BLOB NOT NULL,
    previous_change INTEGER,
    move_seq INTEGER NOT NULL,
    move_change INTEGER NOT NULL,
    PRIMARY KEY (collection, id)) WITHOUT ROWID;
)sql";

// Replaces the record's undo (one move back at most).
void remember_move(sqlite::Database& db, std::string_view collection, std::string_view id, const MoveUndo& undo);
std::optional<MoveUndo> remembered_move(sqlite::Database& db, std::string_view collection, std::string_view id);
void forget_move(sqlite::Database& db, std::string_view collection, std::string_view id);

}  // namespace fieldsync
