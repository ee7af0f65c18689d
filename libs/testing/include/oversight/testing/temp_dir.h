#ifndef OVERSIGHT_TESTING_TEMP_DIR_H_
#define OVERSIGHT_TESTING_TEMP_DIR_H_

#include <string>
#include <string_view>

namespace oversight::testing {

// A fresh directory under $TMPDIR (or /tmp), created with mkdtemp and removed recursively with
// everything inside when the object is destroyed.
//
// Set the environment variable OVERSIGHT_KEEP_TEMP=1 to keep the directories (for debugging a
// failed test); their paths are then printed to stderr on destruction.
// Move-only. Not thread-safe for concurrent destruction of the same object (there is one owner).
class TempDir {
 public:
  // Creates the directory "<tmp>/<prefix>XXXXXX". Aborts with a message if mkdtemp fails.
  explicit TempDir(std::string_view prefix = "oversight-");
  ~TempDir();

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Absolute path of the directory, without a trailing slash. Empty after being moved from.
  const std::string& path() const { return path_; }

  // path() + "/" + name. Does not create anything.
  std::string File(std::string_view name) const;

 private:
  void Remove();

  std::string path_;
};

}  // namespace oversight::testing

#endif  // OVERSIGHT_TESTING_TEMP_DIR_H_
