#include "token_vault.hpp"

#include <QEventLoop>
#include <QFile>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace fieldsync::app {
namespace {

// The keychain's service name: entries of FieldSync, one per replica.
const QString kService = QStringLiteral("org.fieldsync.app");
constexpr int kTimeoutMs = 5000;

}  // namespace

TokenVault::TokenVault(QString key, QString fallback_file, QObject* parent)
    : QObject(parent), key_(std::move(key)), fallback_file_(std::move(fallback_file)) {}

namespace {

struct JobResult {
  bool answered = false;  // false: no answer within kTimeoutMs
  QKeychain::Error error = QKeychain::OtherError;
  QString text;
};

// Runs a keychain job to its end (a few milliseconds), or kTimeoutMs. Waiting rather than
// answering later: once store() returns, the token is kept, whenever the app is closed.
// The job is on the heap and deletes itself when done: after a timeout it may still run.
JobResult run(QKeychain::Job* job) {
  JobResult result;
  QEventLoop loop;
  // `loop` as the context: a job that answers after the timeout finds no one listening.
  QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job* done) {
    result.answered = true;
    result.error = done->error();
    if (auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(done)) result.text = read->textData();
    loop.quit();
  });
  QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
  job->start();
  loop.exec();
  return result;
}

}  // namespace

void TokenVault::load() {
  auto* job = new QKeychain::ReadPasswordJob(kService, this);
  job->setKey(key_);
  const JobResult read = run(job);
  if (read.answered && read.error == QKeychain::NoError && !read.text.isEmpty()) {
    token_ = read.text;
    set_backend(Backend::kKeychain);
    return;
  }
  // Not found there, or no secure storage here: the file, if an earlier run wrote one.
  token_ = read_file();
  const bool keychain_works = read.answered && read.error == QKeychain::EntryNotFound;
  set_backend(!token_.isEmpty() ? Backend::kFile : keychain_works ? Backend::kKeychain : Backend::kNone);
}

void TokenVault::store(const QString& token) {
  token_ = token;
  if (token.isEmpty()) {
    QFile::remove(fallback_file_);
    auto* job = new QKeychain::DeletePasswordJob(kService, this);
    job->setKey(key_);
    run(job);
    return;
  }
  auto* job = new QKeychain::WritePasswordJob(kService, this);
  job->setKey(key_);
  job->setTextData(token);
  const JobResult written = run(job);
  if (written.answered && written.error == QKeychain::NoError) {
    QFile::remove(fallback_file_);  // no copy stays readable beside the secure storage
    set_backend(Backend::kKeychain);
  } else {
    write_file(token);
    set_backend(Backend::kFile);
  }
}

void TokenVault::write_file(const QString& token) {
  constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
  QFile file(fallback_file_);
  // Owner-only before any byte is written (a new file is made so, an old one set so): the
  // token is a password.
  if (file.exists()) QFile::setPermissions(fallback_file_, kOwnerOnly);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate, kOwnerOnly)) return;
  file.write(token.toUtf8());
}

QString TokenVault::read_file() const {
  QFile file(fallback_file_);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll()).trimmed();
}

void TokenVault::set_backend(Backend backend) {
  if (backend == backend_) return;
  backend_ = backend;
  emit backendChanged();
}

}  // namespace fieldsync::app
