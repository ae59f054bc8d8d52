#include "app_controller.hpp"

#include <QDateTime>
#include <QDesktopServices>
#include <QFileInfo>
#include <QQmlEngine>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/people.hpp"
#include "app_language.hpp"
#include "app_rules.hpp"
#include "contact_links.hpp"
#include "record_removal.hpp"
#include "rule_text.hpp"
#include "sync_error_text.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

constexpr std::string_view kServerUrlKey = "app.server_url";
constexpr std::string_view kTokenKey = "app.token";
constexpr std::string_view kCaFileKey = "app.ca_file";
constexpr std::string_view kAllowPlaintextKey = "app.allow_plaintext";

std::optional<RecordId> parse_id(const QString& id) { return Uuid::parse(id.toStdString()); }

}  // namespace

AppController::AppController(const QString& database_path, QObject* parent)
    : QObject(parent),
      replica_(Replica::open(database_path.toStdString(), Schema::domain())),
      sync_(database_path),
      customers_(replica_),
      due_(replica_),
      conflicts_(replica_),
      people_(replica_),
      reports_(replica_),
      worklist_(replica_),
      known_role_(role()) {
  refresh_timer_.setSingleShot(true);
  refresh_timer_.setInterval(100);
  connect(&refresh_timer_, &QTimer::timeout, this, &AppController::refresh);
  connect(&sync_, &SyncController::replicaChanged, &refresh_timer_, qOverload<>(&QTimer::start));
  connect(&sync_, &SyncController::caughtUp, this, [this] {
    replica_.set_setting(kLastSyncSetting, std::to_string(QDateTime::currentMSecsSinceEpoch()));
    emit lastSyncChanged();
    people_.refresh(serverUrl(), token());
    if (signing_out_ && outboxSize() == 0) forget_sign_in();
  });
  // A conflict by a device the replica cannot name: ask the directory for it, once.
  connect(&conflicts_, &ConflictModel::countChanged, this,
          [this] { people_.refresh(serverUrl(), token(), conflicts_.unnamedDevices()); });
  connect(&people_, &PeopleDirectory::updated, &conflicts_, &ConflictModel::reload);
  connect(&sync_, &SyncController::statusChanged, this, &AppController::notice_role);
  connect(&conflicts_, &ConflictModel::localWrite, this, &AppController::localWriteDone);
  apply_language();
  sync_.start(serverUrl(), token(), transport());
}

AppController::~AppController() { sync_.stop(); }

void AppController::refresh() {
  ++revision_;
  customers_.reload();
  due_.reload();
  conflicts_.reload();
  reports_.reload();
  worklist_.reload();
  emit replicaChanged();
}

void AppController::localWriteDone() {
  sync_.notifyLocalChange();
  refresh();
}

QVariantList AppController::rejections() const {
  QVariantList out;
  for (const auto& r : replica_.rejections()) {
    out.push_back(QVariantMap{{QStringLiteral("collection"), QString::fromStdString(r.collection)},
                              {QStringLiteral("recordId"), QString::fromStdString(r.id.to_string())},
                              {QStringLiteral("message"), describe_rejection(r)},
                              {QStringLiteral("time"), time_text(r.at_ms)},
                              // Held back for another phone's changes: it goes by itself.
                              {QStringLiteral("dismissable"), r.code != ErrorCode::kUnverifiedHistory}});
  }
  return out;
}

QString AppController::dismissRejection(const QString& collection, const QString& id) {
  const auto rid = parse_id(id);
  if (!rid) return tr("Not a record id: %1").arg(id);
  try {
    replica_.dismiss_rejection(collection.toStdString(), *rid);
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  refresh();  // the record is back to the office's copy, or gone
  return {};
}

QString AppController::lastSync() const {
  const auto ms = replica_.setting(kLastSyncSetting);
  if (!ms || ms->empty()) return tr("never");
  return time_text(std::stoull(*ms));
}

QString AppController::language() const {
  return QString::fromStdString(replica_.setting(kLanguageKey).value_or(""));
}

void AppController::setLanguage(const QString& language) {
  const bool known = language == QLatin1String("en") || language == QLatin1String("zh_CN");
  const QString choice = known ? language : QString();
  if (choice == this->language()) return;
  replica_.set_setting(kLanguageKey, choice.toStdString());
  apply_language();
  // Texts made in C++ (stages, times, messages) are made again in the new language.
  refresh();
  emit lastSyncChanged();
  emit settingsChanged();
  emit languageChanged();
}

void AppController::apply_language() {
  apply_locale(locale_for_language(language()));
  customers_.setLocale(QLocale());
}

QString AppController::serverUrl() const { return QString::fromStdString(replica_.setting(kServerUrlKey).value_or("")); }

QString AppController::token() const { return QString::fromStdString(replica_.setting(kTokenKey).value_or("")); }

QString AppController::caFile() const { return QString::fromStdString(replica_.setting(kCaFileKey).value_or("")); }

bool AppController::allowPlaintext() const { return replica_.setting(kAllowPlaintextKey).value_or("") == "1"; }

TransportSettings AppController::transport() const { return TransportSettings{caFile(), allowPlaintext()}; }

QString AppController::role() const { return QString::fromStdString(signed_in_role(replica_)); }

bool AppController::reviewer() const {
  const QString r = role();
  return r == QLatin1String("supervisor") || r == QLatin1String("admin");
}

// The sync thread keeps the welcome's role in the replica (ClientSync); what the views
// offer depends on it, so they are refreshed when it changes.
void AppController::notice_role() {
  const QString now = role();
  if (now == known_role_) return;
  known_role_ = now;
  emit roleChanged();
  refresh();
}

QVariantMap AppController::record(const QString& collection, const QString& id) const {
  QVariantMap out{{QStringLiteral("id"), id}, {QStringLiteral("exists"), false}};
  const auto rid = parse_id(id);
  const CollectionSchema* schema = replica_.schema().collection(collection.toStdString());
  if (!rid || !schema) return out;
  const auto record = replica_.get(schema->name, *rid);
  if (!record || record->deleted()) return out;
  out.insert(QStringLiteral("exists"), true);
  out.insert(QStringLiteral("pending"), record->pending);
  out.insert(QStringLiteral("conflicted"), record->state.conflicted());
  QStringList conflict_fields;
  for (const auto& field : record->state.fields) {
    if (field.conflicted()) conflict_fields.push_back(QString::fromStdString(field.name));
  }
  out.insert(QStringLiteral("conflictFields"), conflict_fields);
  for (std::size_t i = 0; i < schema->fields.size(); ++i) {
    out.insert(QString::fromStdString(schema->fields[i].name), to_text(schema->fields[i], record->values[i]));
  }
  return out;
}

void AppController::adopt(QObject* object) {
  QQmlEngine::setObjectOwnership(object, QQmlEngine::JavaScriptOwnership);
}

RecordForm* AppController::editForm(const QString& collection, const QString& id) {
  const auto rid = parse_id(id);
  if (!rid) return nullptr;
  try {
    auto* form = new RecordForm(replica_, collection.toStdString(), *rid, {});
    connect(form, &RecordForm::localWrite, this, &AppController::localWriteDone);
    adopt(form);
    return form;
  } catch (const Error&) {
    return nullptr;  // the record is gone (deleted by a sync meanwhile)
  }
}

RecordForm* AppController::newForm(const QString& collection, const QString& customer_id) {
  FieldValues fixed;
  if (!customer_id.isEmpty()) fixed.emplace_back("customer_id", Value(customer_id.toStdString()));
  auto* form = new RecordForm(replica_, collection.toStdString(), std::nullopt, std::move(fixed));
  connect(form, &RecordForm::localWrite, this, &AppController::localWriteDone);
  adopt(form);
  return form;
}

OrderForm* AppController::newOrderForm(const QString& customer_id) {
  const auto rid = parse_id(customer_id);
  if (!rid) return nullptr;
  try {
    auto* form = new OrderForm(replica_, *rid);
    connect(form, &OrderForm::localWrite, this, &AppController::localWriteDone);
    adopt(form);
    return form;
  } catch (const Error&) {
    return nullptr;
  }
}

RecordListModel* AppController::related(const QString& collection, const QString& parent_field,
                                        const QString& parent_id) {
  auto* model = new RecordListModel(replica_, collection.toStdString(), parent_field.toStdString(),
                                    parent_id.toStdString());
  connect(this, &AppController::replicaChanged, model, &RecordListModel::reload);
  adopt(model);
  return model;
}

QString AppController::contactLink(const QString& kind, const QString& value) const {
  QUrl url;
  if (kind == QLatin1String("call")) url = call_url(value);
  if (kind == QLatin1String("mail")) url = mail_url(value);
  if (kind == QLatin1String("map")) url = map_url(value);
  return url.isValid() ? url.toString(QUrl::FullyEncoded) : QString();
}

bool AppController::openLink(const QString& link) const { return QDesktopServices::openUrl(QUrl(link)); }

HistoryModel* AppController::history(const QString& collection, const QString& id) {
  auto* model = new HistoryModel();
  adopt(model);
  model->load(serverUrl(), token(), collection, id);
  return model;
}

RecordMoves* AppController::moves(const QString& collection, const QString& id) {
  const auto rid = parse_id(id);
  if (!rid) return nullptr;
  try {
    auto* moves = new RecordMoves(replica_, collection.toStdString(), *rid);
    connect(moves, &RecordMoves::localWrite, this, &AppController::localWriteDone);
    connect(this, &AppController::replicaChanged, moves, &RecordMoves::reload);
    adopt(moves);
    return moves;
  } catch (const Error&) {
    return nullptr;  // a collection without a lifecycle
  }
}

QString AppController::saveSettings(const QString& url, const QString& token, const QString& ca_file,
                                    bool allow_plaintext) {
  const QString u = url.trimmed();
  const QString ca = ca_file.trimmed();
  if (!u.isEmpty()) {
    try {
      client::ConnectionOptions options;
      options.allow_plaintext = allow_plaintext;
      client::check_transport_allowed(client::parse_ws_url(u.toStdString()), options);
    } catch (const Error& e) {
      return describe_sync_error(e);
    }
    if (token.trimmed().isEmpty()) return tr("Enter the token the office gave you.");
  }
  if (!ca.isEmpty() && !QFileInfo(ca).isReadable()) {
    return tr("The CA certificate file \"%1\" cannot be read. Check the path, or leave it empty to trust "
              "the phone's own certificates.").arg(ca);
  }
  const bool other_user = token.trimmed() != this->token();
  replica_.set_setting(kServerUrlKey, u.toStdString());
  replica_.set_setting(kTokenKey, token.trimmed().toStdString());
  replica_.set_setting(kCaFileKey, ca.toStdString());
  replica_.set_setting(kAllowPlaintextKey, allow_plaintext ? "1" : "");
  emit settingsChanged();
  if (other_user && !role().isEmpty()) {  // another token may be another user: learnt again at the next sync
    replica_.set_setting(kSignedInRoleSetting, "");
    replica_.set_setting(kSignedInUserSetting, "");
    notice_role();
  }
  sync_.start(u, token, transport());
  return {};
}

QVariantMap AppController::account() const {
  const std::string user = replica_.setting(kSignedInUserSetting).value_or("");
  const auto me = person_of(replica_, replica_.replica_id());
  QStringList territories;
  for (const auto& t : QString::fromStdString(replica_.setting(kSignedInTerritoriesSetting).value_or(""))
                           .split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    territories << t;
  }
  return {{QStringLiteral("user"), QString::fromStdString(user)},
          {QStringLiteral("name"), QString::fromStdString(me && !me->display_name.empty() ? me->display_name : user)},
          {QStringLiteral("role"), role()},
          {QStringLiteral("roleWords"), role().isEmpty() ? QString() : role_words(RoleList{role().toStdString()})},
          {QStringLiteral("territories"), territories}};
}

QString AppController::version() const { return QStringLiteral(FIELDSYNC_VERSION); }

QString AppController::signOut() {
  const int waiting = outboxSize();
  if (waiting == 0) {
    forget_sign_in();
    return {};
  }
  if (!sync_.online()) {
    return tr("%n edit(s) not sent yet: connect to the office first, then sign out.", "", waiting);
  }
  signing_out_ = true;  // finished by the caughtUp that empties the outbox
  emit settingsChanged();
  sync_.syncNow();
  return tr("Sending %n edit(s) first…", "", waiting);
}

void AppController::forget_sign_in() {
  signing_out_ = false;
  sync_.stop();
  replica_.transaction([&] {
    replica_.set_setting(kTokenKey, "");
    replica_.set_setting(kSignedInRoleSetting, "");
    replica_.set_setting(kSignedInUserSetting, "");
    replica_.set_setting(kSignedInTerritoriesSetting, "");
  });
  emit settingsChanged();
  notice_role();
}

bool AppController::canRemove(const QString& collection, const QString& id) const {
  return removal_refusal(replica_, collection, id).isEmpty();
}

QString AppController::removeRecord(const QString& collection, const QString& id) {
  const QString why = remove_record(replica_, collection, id);
  if (why.isEmpty()) localWriteDone();
  return why;
}

QString AppController::valueWords(const QString& collection, const QString& field, const QString& value) const {
  return value_words(collection, field, value);
}

QString AppController::fieldLabel(const QString& field) const { return label_for(field); }

QString AppController::shownValue(const QString& collection, const QString& field, const QString& value) const {
  return shown_value(collection, field, value);
}

}  // namespace fieldsync::app
