// Atomic whole-file writes; see atomic_file.h.
#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <signal.h>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/errors.h"

namespace naskit {

namespace {

constexpr const char* kTemporaryMarker = ".tmp-";

std::string HostName() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  std::string host(name);
  for (char& c : host) {
    if (c == '-' || c == '/') c = '_';
  }
  return host;
}

}  // namespace

std::string TemporaryPathFor(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  static const std::string host = HostName();
  return path + kTemporaryMarker + host + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++);
}

namespace {

[[noreturn]] void FailWrite(const std::string& path, const std::string& temporary,
                            const char* what) {
  const int error = errno;
  ::unlink(temporary.c_str());
  throw IoError(path + ": cannot " + what + " (" + std::strerror(error) + ")");
}

// Writes `content` to a fresh temporary file beside `path`, flushed to disk; returns its name.
std::string WriteTemporary(const std::string& path, const std::string& content) {
  std::string temporary = TemporaryPathFor(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) FailWrite(path, temporary, "create file");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      FailWrite(path, temporary, "write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) {
    ::close(fd);
    FailWrite(path, temporary, "flush to disk");
  }
  if (::close(fd) != 0) FailWrite(path, temporary, "close");
  return temporary;
}

}  // namespace

void WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = WriteTemporary(path, content);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    FailWrite(path, temporary, "rename into place");
  }
}

bool CreateFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = WriteTemporary(path, content);
  // link() fails if `path` exists, so of two writers exactly one creates it, and it is complete
  // when it appears.
  if (::link(temporary.c_str(), path.c_str()) != 0) {
    if (errno != EEXIST) FailWrite(path, temporary, "create");
    ::unlink(temporary.c_str());
    return false;
  }
  ::unlink(temporary.c_str());
  return true;
}

void RemoveStaleTemporaries(const std::string& folder, const std::string& file_name) {
  namespace fs = std::filesystem;
  const std::string prefix = std::string(kTemporaryMarker) + HostName() + "-";
  auto remove_if_stale = [&](const fs::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    const auto at = name.rfind(prefix);
    if (at == std::string::npos || !entry.is_regular_file()) return;
    if (!file_name.empty() && name.substr(0, at) != file_name) return;
    const std::string rest = name.substr(at + prefix.size());
    const pid_t pid = static_cast<pid_t>(std::atol(rest.substr(0, rest.find('-')).c_str()));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);
    }
  };
  std::error_code ec;
  if (!file_name.empty()) {
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      remove_if_stale(*it);
    }
    return;
  }
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    remove_if_stale(*it);
  }
}

std::string ReadFileContents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read (" + std::strerror(errno) + ")");
  std::string content(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) throw IoError(path + ": read error");
  return content;
}

}  // namespace naskit
