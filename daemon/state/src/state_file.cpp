#include "aiopid/state/state_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <utility>

namespace aiopid::state {
namespace {

std::error_code errno_code(int e) {
  return {e, std::generic_category()};
}

// Closes on scope exit; errors of close() after fsync are not interesting here.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// The whole file, or an errno.
std::pair<std::string, int> read_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return {{}, errno};
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return {std::move(text), 0};
    } else if (errno != EINTR) {
      return {{}, errno};
    }
  }
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

bool path_exists(const std::filesystem::path& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
}

// Temp files of interrupted saves (aiopid.state.tmp-<pid>): the real file is untouched by them. One daemon
// per state directory, so at start none of them is being written.
void remove_leftover_temp_files(const std::filesystem::path& directory) {
  const std::string prefix = std::string(StateFile::kFileName) + ".tmp";
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    if (std::string_view(entry->d_name).starts_with(prefix)) ::unlinkat(::dirfd(dir), entry->d_name, 0);
  }
  ::closedir(dir);
}

}  // namespace

StateFile::StateFile(std::filesystem::path directory)
    : directory_(std::move(directory)),
      path_(directory_ / kFileName),
      // Per process, so two writers (a mistake, but possible) never write into one temp file.
      temp_path_(directory_ / (std::string(kFileName) + ".tmp-" + std::to_string(::getpid()))) {}

LoadResult StateFile::load() {
  LoadResult result;
  remove_leftover_temp_files(directory_);

  auto [text, error] = read_file(path_);
  if (error == ENOENT) return result;  // first start
  std::string problem;
  if (error != 0) {
    // Unreadable (permissions, I/O error): report it, but do not move a file we could not even look at.
    result.messages.push_back(path_.string() + ": cannot read the state file: " + std::strerror(error) +
                              "; starting without saved state");
    return result;
  }
  ParseResult parsed = parse(text);
  if (parsed.state) {
    result.state = std::move(*parsed.state);
    return result;
  }

  std::string where = path_.string();
  if (parsed.line != 0) where += ":" + std::to_string(parsed.line);
  std::filesystem::path aside = path_;
  aside += ".corrupt-" + utc_timestamp();
  for (int n = 1; path_exists(aside); ++n) {  // two failures within a second keep both files
    aside = path_;
    aside += ".corrupt-" + utc_timestamp() + "-" + std::to_string(n);
  }
  if (::rename(path_.c_str(), aside.c_str()) == 0) {
    result.set_aside = aside;
    result.messages.push_back(where + ": " + parsed.error + "; set aside as " + aside.filename().string() +
                              ", starting without saved state");
  } else {
    result.messages.push_back(where + ": " + parsed.error + "; could not set it aside (" +
                              std::strerror(errno) + "), starting without saved state");
  }
  return result;
}

std::error_code StateFile::save(const State& state) {
  const std::string text = serialize(state);
  {
    Fd fd(::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return errno_code(errno);
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(fd.get(), text.data() + written, text.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int e = errno;
        ::unlink(temp_path_.c_str());
        return errno_code(e);
      }
      written += static_cast<std::size_t>(n);
    }
    // The data must be on disk before the rename makes it the state file, or a power cut could leave an
    // empty file under the real name.
    if (::fsync(fd.get()) != 0) {
      const int e = errno;
      ::unlink(temp_path_.c_str());
      return errno_code(e);
    }
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp_path_.c_str());
    return errno_code(e);
  }
  // The rename itself is a change of the directory: sync it so the new name survives a power cut.
  Fd dir(::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return errno_code(errno);
  if (::fsync(dir.get()) != 0) return errno_code(errno);
  return {};
}

}  // namespace aiopid::state
