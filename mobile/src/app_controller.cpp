#include "app_controller.hpp"

#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QQmlEngine>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/people.hpp"
#include "app_language.hpp"
#include "app_rules.hpp"
#include "contact_links.hpp"
#include "enrol_link.hpp"
#include "record_removal.hpp"
#include "rule_text.hpp"
#include "sync_error_text.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

constexpr std::string_view kServerUrlKey = "app.server_url";
// Where tokens were kept before the secure storage: moved out at the next start.
constexpr std::string_view kTokenKey = "app.token";
constexpr std::string_view kCaFileKey = "app.ca_file";
constexpr std::string_view kAllowPlaintextKey = "app.allow_plaintext";

std::optional<RecordId> parse_id(const QString& id) { return Uuid::parse(id.toStdString()); }

}  // namespace

AppController::AppController(const QString& database_path, QObject* parent)
    : QObject(parent),
      database_path_(database_path),
      replica_(Replica::open(database_path.toStdString(), Schema::domain())),
      // One entry per replica file: two apps' databases (the tests') never share a token.
      vault_(QStringLiteral("token:") + QFileInfo(database_path).absoluteFilePath(), database_path + QStringLiteral(".token")),
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
    people_.refresh(serverUrl(), token(), transport());
    if (signing_out_ && outboxSize() == 0) forget_sign_in();
  });
  // A conflict by a device the replica cannot name: ask the directory for it, once.
  connect(&conflicts_, &ConflictModel::countChanged, this,
          [this] { people_.refresh(serverUrl(), token(), transport(), conflicts_.unnamedDevices()); });
  connect(&people_, &PeopleDirectory::updated, &conflicts_, &ConflictModel::reload);
  connect(&sync_, &SyncController::statusChanged, this, &AppController::notice_role);
  connect(&conflicts_, &ConflictModel::localWrite, this, &AppController::localWriteDone);
  apply_language();
  vault_.load();
  if (const auto old_token = replica_.setting(kTokenKey); old_token && !old_token->empty()) {
    if (token().isEmpty()) vault_.store(QString::fromStdString(*old_token));
    replica_.set_setting(kTokenKey, "");
  }
  connect(&vault_, &TokenVault::backendChanged, this, &AppController::settingsChanged);
  connect(&enrolment_, &EnrolmentClient::succeeded, this,
          [this](const QString& token, const QString&, const QByteArray& ca_pem) { enrolled(token, ca_pem); });
  connect(&enrolment_, &EnrolmentClient::failed, this, [this](const QString& message) {
    sign_in_error_ = message;
    emit signInChanged();
  });
  ago_timer_.setInterval(30'000);
  connect(&ago_timer_, &QTimer::timeout, this, &AppController::lastSyncChanged);
  ago_timer_.start();
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
  return ago_text(std::stoull(*ms), static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch()));
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

QString AppController::token() const { return vault_.token(); }

QString AppController::tokenStorage() const {
  if (token().isEmpty()) return {};
  switch (vault_.backend()) {
    case TokenVault::Backend::kKeychain: return QStringLiteral("keychain");
    case TokenVault::Backend::kFile: return QStringLiteral("file");
    case TokenVault::Backend::kNone: break;
  }
  return {};  // being written
}

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
  model->load(serverUrl(), token(), transport(), collection, id);
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
  vault_.store(token.trimmed());
  replica_.set_setting(kCaFileKey, ca.toStdString());
  replica_.set_setting(kAllowPlaintextKey, allow_plaintext ? "1" : "");
  emit settingsChanged();
  if (other_user) forget_signed_in_user();
  sync_.start(u, token, transport());
  return {};
}

void AppController::forget_signed_in_user() {
  if (role().isEmpty()) return;
  replica_.set_setting(kSignedInRoleSetting, "");
  replica_.set_setting(kSignedInUserSetting, "");
  notice_role();
}

void AppController::signIn(const QString& server, const QString& code) {
  sign_in_error_.clear();
  const QString url = sync_url_of(server);
  if (server.trimmed().isEmpty()) {
    sign_in_error_ = tr("Enter the server address from the office, or open the link they sent you.");
  } else if (code.trimmed().isEmpty()) {
    sign_in_error_ = tr("Enter the code the office gave you.");
  }
  if (!sign_in_error_.isEmpty()) {
    emit signInChanged();
    return;
  }
  EnrolRequest request{url, code, {}, caFile(), allowPlaintext()};
  // The pin travels with the link's server only: a server typed by hand is trusted as the
  // Advanced settings say (the system's CAs, or the CA file).
  if (enrol_link_.value(QStringLiteral("server")).toString() == url) {
    request.pin = enrol_link_.value(QStringLiteral("pin")).toString();
    if (!request.pin.isEmpty()) request.ca_file.clear();
  }
  pending_server_ = url;
  enrolment_.start(request);
  emit signInChanged();
}

bool AppController::handleLink(const QString& link) {
  const auto parsed = parse_enrol_link(link);
  if (!parsed) return false;
  enrol_link_ = {{QStringLiteral("server"), parsed->server},
                 {QStringLiteral("code"), parsed->code},
                 {QStringLiteral("pin"), parsed->pin}};
  emit enrolLinkChanged();
  return true;
}

void AppController::enrolled(const QString& token, const QByteArray& ca_pem) {
  if (!ca_pem.isEmpty()) {
    // The pinned CA, kept beside the replica: the sync (and the Advanced section) trust it.
    const QString ca_path = database_path_ + QStringLiteral(".ca.pem");
    QFile file(ca_path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(ca_pem) == ca_pem.size()) {
      file.close();
      replica_.set_setting(kCaFileKey, ca_path.toStdString());
    } else {
      sign_in_error_ = tr("Cannot keep the server's certificate on this phone: %1").arg(file.errorString());
      emit signInChanged();
      return;
    }
  }
  const bool other_user = token != this->token();
  replica_.set_setting(kServerUrlKey, pending_server_.toStdString());
  vault_.store(token);
  sign_in_error_.clear();
  enrol_link_.clear();
  if (other_user) forget_signed_in_user();
  emit enrolLinkChanged();
  emit settingsChanged();
  emit signInChanged();
  sync_.start(serverUrl(), this->token(), transport());
  emit signedInNow();
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
  vault_.store({});
  replica_.transaction([&] {
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
