#include "oversight/testing/temp_dir.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace oversight::testing {
namespace {

std::string TempRoot() {
  const char* tmp = std::getenv("TMPDIR");
  std::string root = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  while (root.size() > 1 && root.back() == '/')
    root.pop_back();
  return root;
}

}  // namespace

TempDir::TempDir(std::string_view prefix) {
  std::string pattern = TempRoot() + "/" + std::string(prefix) + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    std::fprintf(stderr, "TempDir: mkdtemp(%s): %s\n", pattern.c_str(), std::strerror(errno));
    std::abort();
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  Remove();
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

std::string TempDir::File(std::string_view name) const {
  return path_ + "/" + std::string(name);
}

void TempDir::Remove() {
  if (path_.empty()) return;
  const char* keep = std::getenv("OVERSIGHT_KEEP_TEMP");
  if (keep != nullptr && std::string(keep) == "1") {
    std::fprintf(stderr, "TempDir: keeping %s\n", path_.c_str());
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  path_.clear();
}

}  // namespace oversight::testing
