#include "move_undo.hpp"

namespace fieldsync {

void remember_move(sqlite::Database& db, std::string_view collection, std::string_view id, const MoveUndo& undo) {
  auto& s = db.cached(
      "INSERT INTO fs_undo (collection, id, previous_state, previous_change, move_seq, move_change) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (collection, id) DO UPDATE SET "
      "previous_state = excluded.previous_state, previous_change = excluded.previous_change, "
      "move_seq = excluded.move_seq, move_change = excluded.move_change");
  sqlite::ResetGuard reset(s);
  s.bind(1, collection).bind(2, id).bind_blob(3, undo.previous_state);
  if (undo.previous_change) {
    s.bind(4, static_cast<std::int64_t>(*undo.previous_change));
  } else {
    s.bind_null(4);
  }
  s.bind(5, static_cast<std::int64_t>(undo.move_seq)).bind(6, static_cast<std::int64_t>(undo.move_change));
  s.run();
}

std::optional<MoveUndo> remembered_move(sqlite::Database& db, std::string_view collection, std::string_view id) {
  auto& s = db.cached(
      "SELECT previous_state, previous_change, move_seq, move_change FROM fs_undo WHERE collection = ?1 AND id = ?2");
  sqlite::ResetGuard reset(s);
  s.bind(1, collection).bind(2, id);
  if (!s.step()) return std::nullopt;
  MoveUndo undo;
  undo.previous_state = std::string(s.column_blob(0));
  if (!s.column_is_null(1)) undo.previous_change = static_cast<std::uint64_t>(s.column_int(1));
  undo.move_seq = static_cast<std::uint64_t>(s.column_int(2));
  undo.move_change = static_cast<std::uint64_t>(s.column_int(3));
  return undo;
}

void forget_move(sqlite::Database& db, std::string_view collection, std::string_view id) {
  auto& s = db.cached("DELETE FROM fs_undo WHERE collection = ?1 AND id = ?2");
  sqlite::ResetGuard reset(s);
  s.bind(1, collection).bind(2, id);
  s.run();
}

}  // namespace fieldsync
