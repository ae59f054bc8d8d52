#pragma once

#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <string>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/write_rules.hpp"

namespace fieldsync::app {

// The lifecycle of one order or ticket as the signed-in user may move it: its stage, the
// moves the shared rules (moves_from) offer this role now, in lifecycle order, with what
// each needs (a reason, fields such as a ticket's resolution), and the undo of the last
// move while it has not been sent. Writes go through the replica, which judges them again;
// a refusal comes back in words. UI thread only.
class RecordMoves : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by AppController")
  Q_PROPERTY(QString stage READ stage NOTIFY changed)
  Q_PROPERTY(QString stageLabel READ stageLabel NOTIFY changed)
  Q_PROPERTY(QVariantList moves READ moves NOTIFY changed)
  Q_PROPERTY(QString hint READ hint NOTIFY changed)
  Q_PROPERTY(bool canUndo READ canUndo NOTIFY changed)

 public:
  RecordMoves(Replica& replica, std::string collection, RecordId id, QObject* parent = nullptr);

  QString stage() const { return stage_; }
  QString stageLabel() const;
  // Each: {to, label (the button), back, needsReason, question (to confirm),
  //        fields: [{name, label, type, value (current or default)}]}.
  QVariantList moves() const { return moves_; }
  // Why no move is offered ("" while there are some).
  QString hint() const { return hint_; }
  bool canUndo() const { return can_undo_; }

  // Re-reads the record (after any change of the replica).
  Q_INVOKABLE void reload();
  // Makes the move to `to`, writing `reason` in the lifecycle's reason field when the move
  // needs one, and `fields` ({name: text}) as the move requires. Returns "" or why not
  // (nothing written then).
  Q_INVOKABLE QString move(const QString& to, const QString& reason, const QVariantMap& fields);
  // Takes the last move back (Replica::undo_last_move). Returns "" or why not.
  Q_INVOKABLE QString undo();

 signals:
  void changed();
  void localWrite();

 private:
  QVariantMap describe(const Record& record, const Move& move) const;

  Replica* replica_;
  const CollectionSchema* collection_;
  const FieldSchema* field_;  // the lifecycle field
  RecordId id_;
  QString stage_;
  QVariantList moves_;
  QString hint_;
  bool can_undo_ = false;
};

}  // namespace fieldsync::app
