#pragma once

#include <QObject>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "conflict_model.hpp"
#include "customer_list_model.hpp"
#include "due_follow_up_model.hpp"
#include "enrolment_client.hpp"
#include "fieldsync/core/replica.hpp"
#include "history_model.hpp"
#include "order_form.hpp"
#include "people_directory.hpp"
#include "record_form.hpp"
#include "record_list_model.hpp"
#include "record_moves.hpp"
#include "report_builder.hpp"
#include "sync_controller.hpp"
#include "token_vault.hpp"
#include "worklist_model.hpp"

namespace fieldsync::app {

// When the phone last caught up with the server (ms since the epoch), in the replica's settings.
inline constexpr std::string_view kLastSyncSetting = "app.last_sync_ms";

// The app's services, built by main() (or a test) and handed to the QML root as its
// required `app` property: the UI thread's connection to the replica file, the models over
// it, the sync controller, and the actions QML calls. QML only presents; every rule
// (validation, legal order moves, what a conflict is) lives here and in the models.
//
// Threads: lives on the UI thread and owns the UI thread's Replica. The sync runs on its
// own thread with its own Replica on the same file (see SyncController for why).
class AppController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by main()")
  Q_PROPERTY(SyncController* sync READ sync CONSTANT)
  Q_PROPERTY(CustomerListModel* customers READ customers CONSTANT)
  Q_PROPERTY(DueFollowUpModel* dueFollowUps READ dueFollowUps CONSTANT)
  Q_PROPERTY(ConflictModel* conflicts READ conflicts CONSTANT)
  Q_PROPERTY(ReportBuilder* reports READ reports CONSTANT)
  Q_PROPERTY(WorklistModel* worklist READ worklist CONSTANT)
  Q_PROPERTY(int outboxSize READ outboxSize NOTIFY replicaChanged)
  Q_PROPERTY(int revision READ revision NOTIFY replicaChanged)
  Q_PROPERTY(QVariantList rejections READ rejections NOTIFY replicaChanged)
  Q_PROPERTY(QString lastSync READ lastSync NOTIFY lastSyncChanged)
  Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY settingsChanged)
  Q_PROPERTY(QString token READ token NOTIFY settingsChanged)
  Q_PROPERTY(QString caFile READ caFile NOTIFY settingsChanged)
  Q_PROPERTY(bool allowPlaintext READ allowPlaintext NOTIFY settingsChanged)
  Q_PROPERTY(QString role READ role NOTIFY roleChanged)
  // Who is signed in, as the last welcome said: {user, name (display name, once the user
  // directory is fetched), role, roleWords ("a sales rep"), territories (a list; empty: all)}.
  Q_PROPERTY(QVariantMap account READ account NOTIFY roleChanged)
  Q_PROPERTY(QString version READ version CONSTANT)
  Q_PROPERTY(bool signingOut READ signingOut NOTIFY settingsChanged)
  Q_PROPERTY(bool reviewer READ reviewer NOTIFY roleChanged)
  Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
  // Sign-in with an enrolment code (SignInPage.qml).
  Q_PROPERTY(bool signedIn READ signedIn NOTIFY settingsChanged)
  Q_PROPERTY(bool signingIn READ signingIn NOTIFY signInChanged)
  Q_PROPERTY(QString signInError READ signInError NOTIFY signInChanged)
  // The enrolment link last opened: {server, code, pin}; empty until one is.
  Q_PROPERTY(QVariantMap enrolLink READ enrolLink NOTIFY enrolLinkChanged)
  // Where the token is kept: "keychain" (the platform's secure storage), "file" (a private
  // file: no secure storage here), "" (no token).
  Q_PROPERTY(QString tokenStorage READ tokenStorage NOTIFY settingsChanged)

 public:
  // Opens (or creates) the replica at `database_path` and starts syncing if a server is set.
  explicit AppController(const QString& database_path, QObject* parent = nullptr);
  ~AppController() override;

  Replica& replica() { return replica_; }
  SyncController* sync() { return &sync_; }
  CustomerListModel* customers() { return &customers_; }
  DueFollowUpModel* dueFollowUps() { return &due_; }
  WorklistModel* worklist() { return &worklist_; }
  ConflictModel* conflicts() { return &conflicts_; }
  ReportBuilder* reports() { return &reports_; }
  int outboxSize() const { return static_cast<int>(replica_.outbox_size()); }
  // Grows with every change of the replica: QML bindings that read a record depend on it.
  int revision() const { return revision_; }
  QVariantList rejections() const;
  QString lastSync() const;
  QString serverUrl() const;
  QString token() const;
  // wss://: the CA certificate (PEM file) the server's certificate must chain to; empty:
  // the system's trusted CAs.
  QString caFile() const;
  // ws:// to a host that is not this device (testing only: the token crosses the network
  // readable by anyone on the path).
  bool allowPlaintext() const;
  // The role the server gave this user at the last sync ("rep", "supervisor", "admin"),
  // kept in the replica's settings (sync.role, which the replica judges local writes for)
  // so that it is known offline; "" before the first sync.
  QString role() const;
  // Supervisors and admins review everyone's conflicts; a rep sees only the conflicts on
  // their own records (their replica holds nothing else), labelled as theirs.
  bool reviewer() const;
  // The language chosen in Settings (app_language.hpp): "" the device's, "en", "zh_CN".
  // Setting it applies it at once (locale, catalogue, the models' texts and sort order);
  // whoever owns the QML engine retranslates on languageChanged.
  QVariantMap account() const;
  QString version() const;
  bool signingOut() const { return signing_out_; }
  // Signs this phone out: forgets the token and who was signed in, keeping the server's
  // address. Unsent edits go first: offline, it refuses with why; online, it syncs and
  // signs out once the outbox is empty. Returns what to tell the user ("" when done).
  Q_INVOKABLE QString signOut();

  QString language() const;
  // The role kept in the replica changed (the sync thread's welcome, or the screenshot
  // runner playing a supervisor): the views offer what it may do.
  void notice_role();
  void setLanguage(const QString& language);

  // A record for a detail page: {id, exists, pending, conflicted, conflictFields, <field>: text}.
  Q_INVOKABLE QVariantMap record(const QString& collection, const QString& id) const;
  // Forms and lists owned by the caller (QML's garbage collector).
  Q_INVOKABLE fieldsync::app::RecordForm* editForm(const QString& collection, const QString& id);
  Q_INVOKABLE fieldsync::app::RecordForm* newForm(const QString& collection, const QString& customer_id);
  Q_INVOKABLE fieldsync::app::OrderForm* newOrderForm(const QString& customer_id);
  Q_INVOKABLE fieldsync::app::RecordListModel* related(const QString& collection, const QString& parent_field,
                                                       const QString& parent_id);
  Q_INVOKABLE fieldsync::app::HistoryModel* history(const QString& collection, const QString& id);
  // The lifecycle of an order or ticket as this user may move it (nullptr: no such record).
  Q_INVOKABLE fieldsync::app::RecordMoves* moves(const QString& collection, const QString& id);
  // Checks and stores the server address, token and transport settings and restarts the
  // sync; returns "" or what is wrong (nothing stored then).
  Q_INVOKABLE QString saveSettings(const QString& url, const QString& token, const QString& ca_file = {},
                                   bool allow_plaintext = false);
  // Exchanges an enrolment code for a token over TLS (EnrolmentClient), then keeps the
  // server address, the token (in the secure storage) and, for a link with a pin, the
  // server's CA, and starts syncing. The pin is the opened link's when `server` is its
  // server. Asynchronous: signingIn, then signedInNow or signInError.
  Q_INVOKABLE void signIn(const QString& server, const QString& code);
  // A fieldsync://enrol link (opened from the QR code, a message or the command line):
  // remembered in enrolLink for the sign-in screen; false if it is not one.
  Q_INVOKABLE bool handleLink(const QString& link);
  bool signedIn() const { return !token().isEmpty(); }
  bool signingIn() const { return enrolment_.busy(); }
  QString signInError() const { return sign_in_error_; }
  QVariantMap enrolLink() const { return enrol_link_; }
  QString tokenStorage() const;

  // Whether this user may delete the record from the phone now (record_removal.hpp).
  // The link behind a tap on a phone number, an e-mail address or an address ("call",
  // "mail", "map"); an empty string when the value makes none.
  Q_INVOKABLE QString contactLink(const QString& kind, const QString& value) const;
  // Hands a link to the platform (the dialer, the mail app, the map app).
  Q_INVOKABLE bool openLink(const QString& link) const;

  Q_INVOKABLE bool canRemove(const QString& collection, const QString& id) const;
  // Deletes it (an ordinary write that syncs); returns "" or why not (nothing written then).
  Q_INVOKABLE QString removeRecord(const QString& collection, const QString& id);
  // An enum value in words (rule_text's value_words): "VIP" for a tier vip.
  Q_INVOKABLE QString valueWords(const QString& collection, const QString& field, const QString& value) const;
  // A field's name and value as a page shows them (rule_text: label_for, shown_value).
  Q_INVOKABLE QString fieldLabel(const QString& field) const;
  Q_INVOKABLE QString shownValue(const QString& collection, const QString& field, const QString& value) const;

  // The user has seen why the office refused a record: it returns to the office's copy, or
  // goes if the office holds none (Replica::dismiss_rejection). Returns "" or why not.
  Q_INVOKABLE QString dismissRejection(const QString& collection, const QString& id);

  // A local write went through this controller's replica: push it and refresh the views.
  void localWriteDone();

 public slots:
  // QDesktopServices' handler of fieldsync:// links (main.cpp): the platform hands the app
  // the link its camera or a message opened.
  void openEnrolUrl(const QUrl& url) { handleLink(url.toString()); }

 signals:
  void replicaChanged();
  void lastSyncChanged();
  void settingsChanged();
  void roleChanged();
  void languageChanged();
  void signInChanged();
  void signedInNow();
  void enrolLinkChanged();

 private:
  void refresh();
  void forget_sign_in();
  void adopt(QObject* form);
  void apply_language();
  TransportSettings transport() const;
  void enrolled(const QString& token, const QByteArray& ca_pem);
  // Another token may be another user: who is signed in is learnt again at the next sync.
  void forget_signed_in_user();

  QString database_path_;
  Replica replica_;
  TokenVault vault_;
  EnrolmentClient enrolment_;
  QString sign_in_error_;
  QString pending_server_;  // the sync URL of the sign-in under way
  QVariantMap enrol_link_;
  QTimer ago_timer_;  // "synced 5 minutes ago" moves on by itself
  SyncController sync_;
  CustomerListModel customers_;
  DueFollowUpModel due_;
  ConflictModel conflicts_;
  PeopleDirectory people_;  // names the authors in conflicts_
  ReportBuilder reports_;
  WorklistModel worklist_;
  QTimer refresh_timer_;  // coalesces the sync thread's many reports into one refresh
  int revision_ = 0;
  QString known_role_;  // the role last announced by roleChanged
  bool signing_out_ = false;  // waiting for the outbox to empty
};

}  // namespace fieldsync::app
