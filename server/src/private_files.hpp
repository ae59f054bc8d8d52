#pragma once

#include <filesystem>

namespace fieldsync::server {

// The store holds token hashes, the audit log and every customer's data: only the server's
// user may read it. These keep the data directory 0700 and the store's files 0600,
// whatever the process's umask.

// Creates `dir` (and missing parents) if it does not exist; the directory itself is made
// 0700. An existing directory is left as the operator set it up. Throws Error(kIo).
void create_private_directory(const std::filesystem::path& dir);

// Creates `file` empty with mode 0600 if it does not exist (SQLite then gives its -wal and
// -shm files the same mode), and sets 0600 on it and on its -wal and -shm files if they
// exist (a store created before, with looser modes). Throws Error(kIo).
void prepare_private_database(const std::filesystem::path& file);

}  // namespace fieldsync::server
