#include "history_model.hpp"

#include <QLocale>
#include <QNetworkRequest>
#include <QUrl>

#include <algorithm>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/history_entries.hpp"
#include "fieldsync/core/schema.hpp"
#include "rule_text.hpp"
#include "server_api.hpp"
#include "value_text.hpp"

namespace fieldsync::app {

HistoryModel::HistoryModel(QObject* parent) : QAbstractListModel(parent) {}

int HistoryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kTime: return row.time;
    case kUser: return row.user;
    case kReplica: return row.replica;
    case Qt::DisplayRole:
    case kAction: return row.action;
    case kFields: return row.fields;
    case kDetail: return row.detail;
    default: return {};
  }
}

QHash<int, QByteArray> HistoryModel::roleNames() const {
  return {{kTime, "time"}, {kUser, "user"}, {kReplica, "replica"}, {kAction, "action"}, {kFields, "fields"},
          {kDetail, "detail"}};
}

void HistoryModel::load(const QString& sync_url, const QString& token, const TransportSettings& transport,
                        const QString& collection, const QString& id) {
  if (reply_) reply_->abort();
  error_.clear();
  collection_ = collection;
  if (sync_url.isEmpty()) {
    error_ = tr("History comes from the office server: set its address in Settings.");
    emit stateChanged();
    return;
  }
  QNetworkRequest request;
  error_ = prepare_api_request(request, sync_url, QStringLiteral("/api/history/%1/%2").arg(collection, id), token, transport);
  if (!error_.isEmpty()) {
    emit stateChanged();
    return;
  }
  reply_ = network_.get(request);
  connect(reply_, &QNetworkReply::finished, this, [this, reply = reply_.data()] { finish(reply); });
  emit stateChanged();
}

QString HistoryModel::change_text(const std::string& action, const HistoryChange& change) const {
  const QString field = QString::fromStdString(change.field);
  if (change.field == kDeletedField) return change.new_value == "true" ? tr("Deleted") : tr("Restored");
  auto words = [&](const std::optional<std::string>& value) {
    if (!value) return tr("(none)");
    if (value->empty()) return QStringLiteral("\"\"");  // an emptied text must not vanish
    return shown_value(collection_, field, QString::fromStdString(*value));
  };
  QStringList others;
  for (const auto& value : change.others) others << words(value);
  const QString others_text = QLocale().createSeparatedList(others);
  if (action == "conflict_settled") {
    return tr("%1: settled on %2 (replaced %3)").arg(label_for(field), words(change.new_value), others_text);
  }
  if (action == "conflict_opened") {
    return tr("%1: %2 → %3 (at the same time: %4)")
        .arg(label_for(field), words(change.old_value), words(change.new_value), others_text);
  }
  return tr("%1: %2 → %3").arg(label_for(field), words(change.old_value), words(change.new_value));
}

void HistoryModel::finish(QNetworkReply* reply) {
  reply->deleteLater();
  if (reply != reply_) return;  // superseded by a newer request
  reply_ = nullptr;
  const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  const QByteArray body = reply->readAll();
  beginResetModel();
  rows_.clear();
  if (status == 200) {
    try {
      for (const auto& entry : parse_history(std::string_view(body.constData(), static_cast<std::size_t>(body.size())))) {
        QStringList changes;
        for (const auto& change : entry.field_changes) changes << change_text(entry.action, change);
        if (entry.field_changes.empty()) {  // a refusal: the fields it named
          QStringList fields;
          for (const auto& field : entry.fields) fields << label_for(QString::fromStdString(field));
          changes << QLocale().createSeparatedList(fields);
        }
        rows_.push_back(Row{time_text(entry.at_ms), QString::fromStdString(entry.person()),
                            QString::fromStdString(entry.device()), label_for(QString::fromStdString(entry.action)),
                            changes.join(QLatin1Char('\n')), QString::fromStdString(entry.detail)});
      }
    } catch (const Error& e) {
      error_ = tr("The office sent a history this app cannot read: %1").arg(QString::fromStdString(e.what()));
    }
    // Newest first.
    std::reverse(rows_.begin(), rows_.end());
  } else if (status == 401) {
    error_ = tr("The office did not accept your token. Check it in Settings.");
  } else if (status == 403) {
    error_ = tr("This record is outside your territories.");
  } else if (status == 404) {
    error_ = tr("The office has no history for this record yet: it has not been synced.");
  } else {
    error_ = tr("Could not load the history: %1").arg(reply->errorString());
  }
  endResetModel();
  emit stateChanged();
}

}  // namespace fieldsync::app
