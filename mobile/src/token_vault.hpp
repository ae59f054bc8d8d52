#pragma once

#include <QObject>
#include <QString>

namespace fieldsync::app {

// Where the phone keeps its token: the platform's secure storage through qtkeychain
// (Android Keystore, the iOS Keychain, the Secret Service (libsecret) on Linux desktops),
// or, where there is none (no secret service running: headless Linux, the offscreen tests),
// a file readable by its owner only. The token in memory is what the app uses; writes go to
// the store behind it. UI thread only.
class TokenVault : public QObject {
  Q_OBJECT

 public:
  enum class Backend { kNone, kKeychain, kFile };

  // `key` names this phone's entry (one per replica file); `fallback_file` is the file used
  // where no secure storage answers.
  TokenVault(QString key, QString fallback_file, QObject* parent = nullptr);

  // Reads the token, waiting for the secure storage (a few milliseconds; at most 5 s, then
  // the file). Called once at start, before any window shows. Runs a local event loop
  // while it waits, as store() does.
  void load();
  QString token() const { return token_; }
  // Where the token is kept now.
  Backend backend() const { return backend_; }
  // Replaces the token (empty: forgets it) in the secure storage, else in the file, and
  // returns once it is kept (at most 5 s). The file is removed once the secure storage
  // holds the token, so no copy stays readable beside it.
  void store(const QString& token);

 signals:
  void backendChanged();

 private:
  void write_file(const QString& token);
  QString read_file() const;
  void set_backend(Backend backend);

  QString key_;
  QString fallback_file_;
  QString token_;
  Backend backend_ = Backend::kNone;
};

}  // namespace fieldsync::app
