// A directory tree of the tests' own, standing in for /sys or /dev: the sysfs backends take their root as a
// parameter, so they can be tested against files written here. Removed with everything in it at the end.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <system_error>

namespace aiopi::linux_io_testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "aiopi-io-XXXXXX").string();
    root_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
    // Readable by everybody, so a child running as `nobody` (RunAsNobody) can reach the files below.
    if (!root_.empty()) chmod(root_.c_str(), 0755);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  ~TempTree() {
    std::error_code ec;
    if (!root_.empty()) std::filesystem::remove_all(root_, ec);
  }

  const std::string& root() const { return root_; }
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }

  /// Writes `content` to root/rel, making the directories above it.
  void write(const std::string& rel, const std::string& content) const {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path(), ec);
    std::ofstream(path(rel), std::ios::trunc) << content;
  }
  void mkdir(const std::string& rel) const {
    std::error_code ec;
    std::filesystem::create_directories(path(rel), ec);
  }
  void symlink(const std::string& target, const std::string& rel) const {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path(), ec);
    std::filesystem::create_symlink(target, path(rel), ec);
  }
  void chmod_file(const std::string& rel, mode_t mode) const { ::chmod(path(rel).c_str(), mode); }
  /// The content of root/rel ("<missing>" when it cannot be read).
  std::string read(const std::string& rel) const {
    std::ifstream in(path(rel));
    if (!in) return "<missing>";
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool exists(const std::string& rel) const { return ::access(path(rel).c_str(), F_OK) == 0; }

 private:
  std::string root_;
};

/// Runs `fn` in a child process as user and group `nobody` (65534) and returns what it wrote to `out`; for
/// testing permission-denied paths when the tests run as root (which bypasses file modes). Returns
/// "<child failed>" when the child could not drop privileges or crashed.
inline std::string run_as_nobody(const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return "<child failed>";
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    const std::string s = fn();
    const char* p = s.data();
    std::size_t left = s.size();
    while (left > 0) {
      const ssize_t n = ::write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "<child failed>";
  return out;
}

}  // namespace aiopi::linux_io_testing
