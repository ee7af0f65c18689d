#ifndef OVERSIGHT_REDIS_REPLY_H_
#define OVERSIGHT_REDIS_REPLY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace oversight::redis {

// One Redis reply as a plain value (copied out of hiredis, so it outlives the connection).
// A server error ("ERR ...", "NOSCRIPT ...") is a Reply of type kError, not a failed Status:
// transport problems are Statuses, what the server said is a Reply.
class Reply {
 public:
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };

  Reply() = default;  // nil
  static Reply Nil() { return Reply(); }
  static Reply Integer(int64_t value);
  static Reply String(std::string value);
  static Reply Status(std::string value);
  static Reply Error(std::string message);
  static Reply Array(std::vector<Reply> elements);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_integer() const { return type_ == Type::kInteger; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_status() const { return type_ == Type::kStatus; }
  bool is_error() const { return type_ == Type::kError; }
  bool is_array() const { return type_ == Type::kArray; }

  // The integer of a kInteger reply (0 for other types).
  int64_t integer() const { return integer_; }
  // The text of a kString, kStatus or kError reply ("" for other types). Binary-safe.
  const std::string& str() const { return str_; }
  // The elements of a kArray reply (empty for other types).
  const std::vector<Reply>& elements() const { return elements_; }

  // OK unless this is an error reply; then a Status whose code is read from a leading absl code
  // name ("FAILED_PRECONDITION task already closed" -> kFailedPrecondition, which is how Lua
  // scripts report domain errors through redis.error_reply) and INTERNAL otherwise.
  absl::Status ToStatus() const;

  // Human-readable form for logs and test failures, e.g. [1, "a", (nil), (error) ERR x].
  std::string DebugString() const;

  friend bool operator==(const Reply& a, const Reply& b) {
    return a.type_ == b.type_ && a.integer_ == b.integer_ && a.str_ == b.str_ &&
           a.elements_ == b.elements_;
  }

 private:
  Type type_ = Type::kNil;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<Reply> elements_;
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_REPLY_H_
