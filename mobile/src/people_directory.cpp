#include "people_directory.hpp"

#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/people.hpp"
#include "server_api.hpp"

namespace fieldsync::app {

PeopleDirectory::PeopleDirectory(Replica& replica, QObject* parent) : QObject(parent), replica_(&replica) {}

void PeopleDirectory::refresh(const QString& sync_url, const QString& token, const TransportSettings& transport,
                              const QStringList& unnamed) {
  constexpr qint64 kFreshMs = 10 * 60 * 1000;
  if (reply_ || sync_url.isEmpty() || token.isEmpty()) return;
  const bool new_unnamed =
      std::any_of(unnamed.begin(), unnamed.end(), [this](const QString& device) { return !asked_for_.contains(device); });
  if (!new_unnamed && since_fetched_.isValid() && since_fetched_.elapsed() < kFreshMs) return;
  for (const auto& device : unnamed) {
    if (!asked_for_.contains(device)) asked_for_ << device;
  }
  QNetworkRequest request;
  if (!prepare_api_request(request, sync_url, QStringLiteral("/users"), token, transport).isEmpty()) return;  // as a failed fetch
  reply_ = network_.get(request);
  connect(reply_, &QNetworkReply::finished, this, [this, reply = reply_.data()] { finish(reply); });
}

void PeopleDirectory::finish(QNetworkReply* reply) {
  reply->deleteLater();
  reply_ = nullptr;
  if (reply->error() != QNetworkReply::NoError) return;
  const QByteArray body = reply->readAll();
  try {
    const auto owners = parse_user_directory(std::string_view(body.constData(), static_cast<std::size_t>(body.size())));
    remember_people(*replica_, owners);
    since_fetched_.start();
  } catch (const Error&) {
    return;  // a body of another shape: the names stay as they were
  }
  emit updated();
}

}  // namespace fieldsync::app
