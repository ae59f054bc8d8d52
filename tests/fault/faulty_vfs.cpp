#include "faulty_vfs.hpp"

#include <sqlite3.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>

namespace fieldsync::test {
namespace {

// What the shim is told to do; one per process, like the VFS registry itself.
struct Control {
  std::mutex mutex;
  std::string prefix;
  bool active = false;
  FaultPlan plan;
  std::uint64_t writes = 0;
  std::uint64_t syncs = 0;
  std::uint64_t injected = 0;
};

Control& control() {
  static Control instance;
  return instance;
}

// Our file object: the real VFS's file lives right after it, in the same allocation
// (szOsFile covers both).
struct ShimFile {
  sqlite3_file base;
  const char* path;  // SQLite keeps the name it passed to xOpen valid until xClose
};
constexpr std::size_t kRealOffset = (sizeof(ShimFile) + 15) / 16 * 16;

sqlite3_file* real(sqlite3_file* file) { return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset); }
const char* path_of(sqlite3_file* file) { return reinterpret_cast<ShimFile*>(file)->path; }

// Counts a call and says which error to return for it (SQLITE_OK: forward it).
int decide(sqlite3_file* file, FaultOp op) {
  auto& c = control();
  std::lock_guard lock(c.mutex);
  const char* path = path_of(file);
  if (!c.active || !path || std::string_view(path).substr(0, c.prefix.size()) != c.prefix) return SQLITE_OK;
  const std::uint64_t n = op == FaultOp::kWrite ? ++c.writes : ++c.syncs;
  const FaultPlan& plan = c.plan;
  if (plan.nth == 0 || plan.op != op) return SQLITE_OK;
  if (n == plan.nth || (plan.persistent && n > plan.nth)) {
    ++c.injected;
    if (plan.error != 0) return plan.error;
    return op == FaultOp::kWrite ? SQLITE_IOERR_WRITE : SQLITE_IOERR_FSYNC;
  }
  return SQLITE_OK;
}

int x_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int x_read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  return real(f)->pMethods->xRead(real(f), out, amount, offset);
}
int x_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  if (int rc = decide(f, FaultOp::kWrite); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xWrite(real(f), data, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); }
int x_sync(sqlite3_file* f, int flags) {
  if (int rc = decide(f, FaultOp::kSync); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device_characteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), offset, n, flags); }
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) { return real(f)->pMethods->xShmUnmap(real(f), delete_flag); }
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) { return real(f)->pMethods->xUnfetch(real(f), offset, p); }

// One method table per io_methods version, so that a file never claims more methods
// than the real one has.
constexpr sqlite3_io_methods methods_of_version(int version) {
  return sqlite3_io_methods{version,         x_close,     x_read,      x_write,
                            x_truncate,      x_sync,      x_file_size, x_lock,
                            x_unlock,        x_check_reserved_lock,    x_file_control,
                            x_sector_size,   x_device_characteristics, x_shm_map,
                            x_shm_lock,      x_shm_barrier,            x_shm_unmap,
                            x_fetch,         x_unfetch};
}
const sqlite3_io_methods kMethods[3] = {methods_of_version(1), methods_of_version(2), methods_of_version(3)};

sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(file);
  shim->base.pMethods = nullptr;
  shim->path = name;
  sqlite3_file* inner = real(file);
  inner->pMethods = nullptr;
  const int rc = real_vfs(vfs)->xOpen(real_vfs(vfs), name, inner, flags, out_flags);
  if (inner->pMethods) {
    const int version = inner->pMethods->iVersion < 1 ? 1 : (inner->pMethods->iVersion > 3 ? 3 : inner->pMethods->iVersion);
    shim->base.pMethods = &kMethods[version - 1];
  }
  return rc;
}
int v_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) { return real_vfs(vfs)->xDelete(real_vfs(vfs), name, sync_dir); }
int v_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return real_vfs(vfs)->xAccess(real_vfs(vfs), name, flags, out);
}
int v_full_pathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return real_vfs(vfs)->xFullPathname(real_vfs(vfs), name, n, out);
}
void* v_dl_open(sqlite3_vfs* vfs, const char* name) { return real_vfs(vfs)->xDlOpen(real_vfs(vfs), name); }
void v_dl_error(sqlite3_vfs* vfs, int n, char* out) { real_vfs(vfs)->xDlError(real_vfs(vfs), n, out); }
void (*v_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return real_vfs(vfs)->xDlSym(real_vfs(vfs), handle, symbol);
}
void v_dl_close(sqlite3_vfs* vfs, void* handle) { real_vfs(vfs)->xDlClose(real_vfs(vfs), handle); }
int v_randomness(sqlite3_vfs* vfs, int n, char* out) { return real_vfs(vfs)->xRandomness(real_vfs(vfs), n, out); }
int v_sleep(sqlite3_vfs* vfs, int micros) { return real_vfs(vfs)->xSleep(real_vfs(vfs), micros); }
int v_current_time(sqlite3_vfs* vfs, double* out) { return real_vfs(vfs)->xCurrentTime(real_vfs(vfs), out); }
int v_get_last_error(sqlite3_vfs* vfs, int n, char* out) { return real_vfs(vfs)->xGetLastError(real_vfs(vfs), n, out); }
int v_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return real_vfs(vfs)->xCurrentTimeInt64(real_vfs(vfs), out);
}
int v_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
  return real_vfs(vfs)->xSetSystemCall(real_vfs(vfs), name, call);
}
sqlite3_syscall_ptr v_get_system_call(sqlite3_vfs* vfs, const char* name) {
  return real_vfs(vfs)->xGetSystemCall(real_vfs(vfs), name);
}
const char* v_next_system_call(sqlite3_vfs* vfs, const char* name) {
  return real_vfs(vfs)->xNextSystemCall(real_vfs(vfs), name);
}

}  // namespace

FaultyVfs& FaultyVfs::install() {
  static FaultyVfs* instance = [] {
    sqlite3_vfs* inner = sqlite3_vfs_find(nullptr);
    if (!inner) throw std::runtime_error("SQLite has no default VFS to wrap");
    if (std::strcmp(inner->zName, name()) == 0) return new FaultyVfs();
    static sqlite3_vfs shim{};
    shim.iVersion = inner->iVersion < 3 ? inner->iVersion : 3;
    shim.szOsFile = static_cast<int>(kRealOffset) + inner->szOsFile;
    shim.mxPathname = inner->mxPathname;
    shim.zName = name();
    shim.pAppData = inner;
    shim.xOpen = v_open;
    shim.xDelete = v_delete;
    shim.xAccess = v_access;
    shim.xFullPathname = v_full_pathname;
    shim.xDlOpen = inner->xDlOpen ? v_dl_open : nullptr;
    shim.xDlError = inner->xDlError ? v_dl_error : nullptr;
    shim.xDlSym = inner->xDlSym ? v_dl_sym : nullptr;
    shim.xDlClose = inner->xDlClose ? v_dl_close : nullptr;
    shim.xRandomness = v_randomness;
    shim.xSleep = v_sleep;
    shim.xCurrentTime = v_current_time;
    shim.xGetLastError = v_get_last_error;
    if (shim.iVersion >= 2) shim.xCurrentTimeInt64 = inner->xCurrentTimeInt64 ? v_current_time_int64 : nullptr;
    if (shim.iVersion >= 3) {
      shim.xSetSystemCall = inner->xSetSystemCall ? v_set_system_call : nullptr;
      shim.xGetSystemCall = inner->xGetSystemCall ? v_get_system_call : nullptr;
      shim.xNextSystemCall = inner->xNextSystemCall ? v_next_system_call : nullptr;
    }
    if (int rc = sqlite3_vfs_register(&shim, 1); rc != SQLITE_OK) {
      throw std::runtime_error(std::string("sqlite3_vfs_register: ") + sqlite3_errstr(rc));
    }
    return new FaultyVfs();
  }();
  return *instance;
}

void FaultyVfs::arm(const std::string& path_prefix, FaultPlan plan) {
  auto& c = control();
  std::lock_guard lock(c.mutex);
  c.prefix = path_prefix;
  c.plan = plan;
  c.active = true;
  c.writes = c.syncs = c.injected = 0;
}

void FaultyVfs::count(const std::string& path_prefix) { arm(path_prefix, FaultPlan{FaultOp::kWrite, 0, false, 0}); }

void FaultyVfs::disarm() {
  auto& c = control();
  std::lock_guard lock(c.mutex);
  c.active = false;
}

std::uint64_t FaultyVfs::writes() const {
  auto& c = control();
  std::lock_guard lock(c.mutex);
  return c.writes;
}

std::uint64_t FaultyVfs::syncs() const {
  auto& c = control();
  std::lock_guard lock(c.mutex);
  return c.syncs;
}

std::uint64_t FaultyVfs::injected() const {
  auto& c = control();
  std::lock_guard lock(c.mutex);
  return c.injected;
}

}  // namespace fieldsync::test
