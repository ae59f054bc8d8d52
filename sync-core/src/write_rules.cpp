#include "fieldsync/core/write_rules.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace fieldsync {
namespace {

std::string shown_text(const CollectionSchema& collection, const RecordState& state, std::string_view name) {
  const FieldSchema* field = collection.field(name);
  const FieldState* f = state.field(name);
  if (!field || !f || f->siblings.empty()) return {};
  return format_value(*field, resolve(*field, f->siblings).value);
}

ShownText shown_in(const CollectionSchema& collection, const RecordState& state) {
  return [&collection, &state](std::string_view name) { return shown_text(collection, state, name); };
}

bool holds(const std::optional<Condition>& condition, const ShownText& shown) {
  if (!condition) return true;
  const auto value = shown(condition->field);
  return std::find(condition->values.begin(), condition->values.end(), value) != condition->values.end();
}

bool holds_dot(const FieldState* field, const Dot& dot) {
  return field && std::any_of(field->siblings.begin(), field->siblings.end(),
                              [&](const Sibling& s) { return s.dot == dot; });
}

std::string stage_of(const Value& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string{};
}

std::string with_article(std::string_view role) {
  const bool vowel = !role.empty() && std::string_view("aeiou").find(role.front()) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(role);
}

std::string one_of(const RoleList& roles) {
  std::string text;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == roles.size() ? " or " : ", ") + with_article(roles[i]);
  }
  return text;
}

Error broken(const std::string& why) { return Error(ErrorCode::kRuleBroken, why); }

// One move out of a stage.
struct Step {
  std::string to;
  bool needs_reason = false;
  const Transition* via = nullptr;  // nullptr: a move back
};

// The moves out of `from` that `role` may make (an empty role: any role's declared
// moves, without moves back).
std::vector<Step> steps_from(const FieldSchema& field, std::string_view from, std::string_view role,
                             const ShownText& shown) {
  const Lifecycle& lifecycle = *field.lifecycle;
  std::vector<Step> steps;
  for (const auto& t : lifecycle.transitions) {
    if (!role.empty() && !role_in(t.roles, role)) continue;
    if (!holds(t.when, shown) || std::find(t.from.begin(), t.from.end(), from) == t.from.end()) continue;
    steps.push_back({t.to, t.needs_reason, &t});
  }
  if (!role.empty() && !from.empty() && role_in(lifecycle.back_roles, role)) {
    const auto here = field.stage_of(from).value_or(0);
    for (std::size_t i = 0; i < here; ++i) steps.push_back({field.values[i], lifecycle.back_needs_reason, nullptr});
  }
  return steps;
}

struct Path {
  bool needs_reason = false;
  std::vector<std::string> requires_fields;  // those of the last move
};

// A way from `from` to `to` by moves `role` may make: one move, or any chain of them. A
// path without a move that needs a reason is preferred.
std::optional<Path> find_path(const FieldSchema& field, const std::string& from, const std::string& to,
                              std::string_view role, const ShownText& shown, MoveReach reach) {
  for (bool reasons_allowed : {false, true}) {
    std::set<std::string> seen{from};
    std::deque<std::string> frontier{from};
    while (!frontier.empty()) {
      const std::string stage = frontier.front();
      frontier.pop_front();
      for (const auto& step : steps_from(field, stage, role, shown)) {
        if (step.needs_reason && !reasons_allowed) continue;
        if (step.to == to) {
          Path path{reasons_allowed, {}};
          if (step.via) path.requires_fields = step.via->requires_fields;
          return path;
        }
        if (reach == MoveReach::kChain && seen.insert(step.to).second) frontier.push_back(step.to);
      }
    }
  }
  return std::nullopt;
}

std::string move_words(const CollectionSchema& collection, const FieldSchema& field, const std::string& from,
                       const std::string& to) {
  if (from.empty()) return "start " + field.name + " of a new " + collection.name + " record at '" + to + "'";
  return "move " + field.name + " of " + collection.name + " from '" + from + "' to '" + to + "'";
}

// The refusal of a move `role` may not make, naming who may.
Error move_refusal(const Schema& schema, const CollectionSchema& collection, const FieldSchema& field,
                   std::string_view role, const std::string& from, const std::string& to, const ShownText& shown,
                   MoveReach reach) {
  RoleList allowed;
  for (const auto& other : schema.roles()) {
    if (other != role && find_path(field, from, to, other, shown, reach)) allowed.push_back(other);
  }
  std::string text = with_article(role) + " may not " + move_words(collection, field, from, to);
  if (allowed.empty()) return broken(text + ": no rule allows that move");
  return broken(text + ": only " + one_of(allowed) + " may");
}

// Whether the write that set `sibling` also gave `field_name` a non-empty value.
bool writes_text(const RecordState& after, const Dot& dot, const std::string& field_name) {
  const FieldState* f = after.field(field_name);
  if (!f) return false;
  return std::any_of(f->siblings.begin(), f->siblings.end(), [&](const Sibling& s) {
    const auto* text = std::get_if<std::string>(&s.value);
    return s.dot == dot && text && !text->empty();
  });
}

// The path's own demands: a reason written with the move, fields the new stage needs.
std::optional<Error> path_refusal(const CollectionSchema& collection, const FieldSchema& field, const Path& path,
                                  const std::string& from, const std::string& to, const Sibling& written,
                                  const RecordState& after, const ShownText& shown) {
  const std::string& reason_field = field.lifecycle->reason_field;
  if (path.needs_reason && !writes_text(after, written.dot, reason_field)) {
    return broken("to " + move_words(collection, field, from, to) + " give a reason in '" + reason_field + "'");
  }
  for (const auto& required : path.requires_fields) {
    if (shown(required).empty()) {
      return broken("to " + move_words(collection, field, from, to) + " fill in '" + required + "'");
    }
  }
  return std::nullopt;
}

struct FieldWrite {
  std::vector<const Sibling*> fresh;     // values the write brings
  std::vector<const Sibling*> replaced;  // values it overwrote
  std::vector<const Sibling*> standing;  // values it stands beside (concurrent)
};

FieldWrite field_write(const FieldState* was, const FieldState& now) {
  FieldWrite write;
  for (const auto& s : now.siblings) {
    if (!holds_dot(was, s.dot)) write.fresh.push_back(&s);
  }
  if (was) {
    for (const auto& s : was->siblings) (holds_dot(&now, s.dot) ? write.standing : write.replaced).push_back(&s);
  }
  return write;
}

std::vector<Value> distinct_values(const std::vector<const Sibling*>& siblings) {
  std::vector<Value> values;
  for (const auto* s : siblings) {
    if (std::find(values.begin(), values.end(), s->value) == values.end()) values.push_back(s->value);
  }
  return values;
}

std::optional<Error> lifecycle_refusal(const Schema& schema, const CollectionSchema& collection,
                                       const FieldSchema& field, std::string_view role, const FieldWrite& write,
                                       const Sibling& written, const RecordState& after, const ShownText& shown,
                                       MoveReach reach) {
  const std::string to = stage_of(written.value);
  if (to.empty()) return broken(field.name + " of " + collection.name + " cannot be emptied");
  auto judge_from = [&](const std::string& from, MoveReach how) -> std::optional<Error> {
    if (from == to) return std::nullopt;
    auto path = find_path(field, from, to, role, shown, how);
    if (!path) return move_refusal(schema, collection, field, role, from, to, shown, how);
    return path_refusal(collection, field, *path, from, to, written, after, shown);
  };
  if (!write.replaced.empty()) {
    const auto replaced = distinct_values(write.replaced);
    // A settlement picks one of the values in conflict, or makes one move from each of them:
    // it is one act of review, not a chain.
    const bool settles = replaced.size() > 1;
    if (settles && std::find(replaced.begin(), replaced.end(), written.value) != replaced.end()) return std::nullopt;
    for (const auto& value : replaced) {
      if (auto refusal = judge_from(stage_of(value), settles ? MoveReach::kOneMove : reach)) return refusal;
    }
    return std::nullopt;
  }
  if (write.standing.empty()) return judge_from("", reach);
  // The value this write replaced is gone (overwritten while the phone was offline): the new
  // value stands beside the current ones as a conflict, so it must lie on the way to or from
  // one of them.
  for (const auto* s : write.standing) {
    const std::string current = stage_of(s->value);
    if (current == to || find_path(field, to, current, "", shown, MoveReach::kChain)) return std::nullopt;
    if (find_path(field, current, to, role, shown, MoveReach::kChain)) return judge_from(current, MoveReach::kChain);
  }
  return broken(field.name + " of " + collection.name + " moved on while this change was made offline, and '" + to +
                "' does not lead to or from where it is now");
}

std::string delete_rules_words(const CollectionSchema& collection) {
  std::string text;
  for (const auto& rule : collection.deletes) {
    if (!text.empty()) text += ", or ";
    text += one_of(rule.roles);
    if (rule.when) {
      text += " while " + rule.when->field + " is ";
      for (std::size_t i = 0; i < rule.when->values.size(); ++i) {
        text += (i == 0 ? "'" : "' or '") + rule.when->values[i];
      }
      text += "'";
    }
  }
  return text;
}

bool is_deleted(const CollectionSchema& collection, const RecordState& state) {
  return shown_text(collection, state, kDeletedField) == "true";
}

}  // namespace

std::vector<Move> moves_from(const FieldSchema& field, std::string_view from, std::string_view role,
                             const ShownText& shown) {
  std::vector<Move> moves;
  if (!field.lifecycle) return moves;
  const auto here = field.stage_of(from);
  for (const auto& value : field.values) {
    if (value == from) continue;
    for (const auto& step : steps_from(field, from, role, shown)) {
      if (step.to != value) continue;
      Move move{value, here && field.stage_of(value) < here, step.needs_reason, {}};
      if (step.via) move.requires_fields = step.via->requires_fields;
      moves.push_back(std::move(move));
      break;
    }
  }
  return moves;
}

bool may_delete(const CollectionSchema& collection, std::string_view role, const ShownText& shown) {
  if (!collection.write_roles.empty() && !role_in(collection.write_roles, role)) return false;
  if (collection.deletes.empty()) return true;
  return std::any_of(collection.deletes.begin(), collection.deletes.end(),
                     [&](const DeleteRule& rule) { return role_in(rule.roles, role) && holds(rule.when, shown); });
}

std::optional<Error> collection_refusal(const CollectionSchema& collection, std::string_view role) {
  if (collection.write_roles.empty() || role_in(collection.write_roles, role)) return std::nullopt;
  return broken(with_article(role) + " may not write " + collection.name + ": only " + one_of(collection.write_roles) +
                " may");
}

bool may_change(const CollectionSchema& collection, const FieldSchema& field, std::string_view role) {
  return (collection.write_roles.empty() || role_in(collection.write_roles, role)) &&
         (field.change_roles.empty() || role_in(field.change_roles, role));
}

std::optional<Error> rule_refusal(const Schema& schema, const CollectionSchema& collection, std::string_view role,
                                  const RecordState* before, const RecordState& after, MoveReach reach) {
  const ShownText shown = shown_in(collection, after);
  for (const auto& field : collection.fields) {
    const FieldState* now = after.field(field.name);
    if (!now) continue;
    const FieldState* was = before ? before->field(field.name) : nullptr;
    const FieldWrite write = field_write(was, *now);
    if (write.fresh.empty()) continue;
    if (auto refusal = collection_refusal(collection, role)) return refusal;
    if (field.name == kDeletedField) {
      const bool deletes = std::any_of(write.fresh.begin(), write.fresh.end(), [](const Sibling* s) {
        return s->value == Value{true};
      });
      if (deletes && before && !is_deleted(collection, *before) &&
          !may_delete(collection, role, shown_in(collection, *before))) {
        return broken(with_article(role) + " may not delete this " + collection.name + " record: deleting it is for " +
                      delete_rules_words(collection));
      }
      continue;
    }
    if (before) {
      if (distinct_values(write.replaced).size() > 1 && !role_in(schema.settle_roles(), role)) {
        return broken(with_article(role) + " may not settle the conflict on " + field.name + " of " + collection.name +
                      ": only " + one_of(schema.settle_roles()) + " may");
      }
      // Writing the value a field already shows changes nothing: a form saved whole passes.
      const bool changes = std::any_of(write.fresh.begin(), write.fresh.end(), [&](const Sibling* fresh) {
        auto same = [&](const Sibling* old) { return old->value == fresh->value; };
        return std::none_of(write.replaced.begin(), write.replaced.end(), same) &&
               std::none_of(write.standing.begin(), write.standing.end(), same) &&
               !(write.replaced.empty() && write.standing.empty() && is_null(fresh->value));
      });
      if (changes && !field.change_roles.empty() && !role_in(field.change_roles, role)) {
        return broken(with_article(role) + " may not change " + field.name + " of " + collection.name + ": only " +
                      one_of(field.change_roles) + " may");
      }
    }
    if (!field.lifecycle) continue;
    for (const auto* fresh : write.fresh) {
      if (auto refusal = lifecycle_refusal(schema, collection, field, role, write, *fresh, after, shown, reach)) {
        return refusal;
      }
    }
  }
  return std::nullopt;
}

std::optional<Error> unknown_user_refusal(const CollectionSchema& collection, const RecordState* before,
                                          const RecordState& after,
                                          const std::function<bool(std::string_view)>& is_user) {
  for (const auto& field : collection.fields) {
    if (!field.names_user) continue;
    const FieldState* now = after.field(field.name);
    if (!now) continue;
    const FieldState* was = before ? before->field(field.name) : nullptr;
    const FieldWrite write = field_write(was, *now);
    for (const auto* fresh : write.fresh) {
      const auto* name = std::get_if<std::string>(&fresh->value);
      if (!name || name->empty() || is_user(*name)) continue;
      // A form saved whole writes an old value again: it names nobody new.
      auto same = [&](const Sibling* old) { return old->value == fresh->value; };
      if (std::any_of(write.replaced.begin(), write.replaced.end(), same) ||
          std::any_of(write.standing.begin(), write.standing.end(), same)) {
        continue;
      }
      return Error(ErrorCode::kInvalidArgument, field.name + " of " + collection.name + " names '" + *name +
                                                    "', who is not a user: it takes a user's sign-in name");
    }
  }
  return std::nullopt;
}

void add_defaults(const CollectionSchema& collection, FieldValues& values, std::string_view user,
                  std::string_view today) {
  for (const auto& field : collection.fields) {
    if (field.default_value.empty()) continue;
    auto given = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == field.name; });
    if (given != values.end() && !is_null(given->second)) continue;
    Value value;
    if (field.default_value == kDefaultToday) {
      value = std::string(today);
    } else if (field.default_value == kDefaultUser) {
      if (user.empty()) continue;  // nobody signed in yet: the server's required check decides
      value = std::string(user);
    } else {
      value = parse_value(field, field.default_value);
    }
    if (given != values.end()) {
      given->second = std::move(value);
    } else {
      values.emplace_back(field.name, std::move(value));
    }
  }
}

}  // namespace fieldsync
