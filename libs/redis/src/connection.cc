#include "oversight/redis/connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace oversight::redis {
namespace {

timeval AsTimeval(absl::Duration d) {
  return absl::ToTimeval(d);
}

// A server restarted on its AOF or RDB answers every command with LOADING until the data is
// back: nothing ran, so the whole pipeline is UNAVAILABLE (retry later), not error replies a
// caller could take for data.
absl::StatusOr<std::vector<Reply>> RefusedWhileLoading(std::vector<Reply> replies) {
  for (const Reply& reply : replies) {
    if (reply.is_error() && reply.str().rfind("LOADING", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("redis: ", reply.str(), " (not run)"));
    }
  }
  return replies;
}

Reply Convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return Reply::String(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return Reply::Status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR:
      return Reply::Error(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER:
      return Reply::Integer(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i)
        elements.push_back(Convert(r->element[i]));
      return Reply::Array(std::move(elements));
    }
    default:
      return Reply::Nil();
  }
}

// Maps a hiredis context error to a Status.
absl::Status ContextError(const redisContext* c, std::string_view what) {
  std::string message = absl::StrCat("redis ", std::string(what), ": ", c->errstr);
  if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return absl::DeadlineExceededError(message);
  }
  const std::string_view text(c->errstr);
  if (text.find("timed out") != std::string_view::npos ||
      text.find("temporarily unavailable") != std::string_view::npos) {
    return absl::DeadlineExceededError(message);
  }
  return absl::UnavailableError(message);
}

// Commands that never change data: always safe to send again.
bool IsReadOnly(const std::vector<std::string>& args) {
  static const absl::flat_hash_set<std::string> kReadOnly = {
      "PING",      "GET",           "MGET",   "EXISTS",     "TYPE",     "TTL",       "PTTL",
      "STRLEN",    "HGET",          "HMGET",  "HGETALL",    "HKEYS",    "HVALS",     "HLEN",
      "HEXISTS",   "LRANGE",        "LLEN",   "LINDEX",     "SMEMBERS", "SISMEMBER", "SCARD",
      "ZRANGE",    "ZRANGEBYSCORE", "ZSCORE", "ZCARD",      "ZCOUNT",   "ZRANK",     "XRANGE",
      "XREVRANGE", "XLEN",          "XINFO",  "SCAN",       "HSCAN",    "SSCAN",     "ZSCAN",
      "KEYS",      "DBSIZE",        "INFO",   "EVALSHA_RO", "EVAL_RO"};
  if (args.empty()) return false;
  return kReadOnly.contains(absl::AsciiStrToUpper(args[0]));
}

}  // namespace

void AppendRespCommand(std::string& out, const std::vector<std::string>& args) {
  absl::StrAppend(&out, "*", args.size(), "\r\n");
  for (const std::string& arg : args)
    absl::StrAppend(&out, "$", arg.size(), "\r\n", arg, "\r\n");
}

Pipeline& Pipeline::Add(const std::vector<std::string>& args) {
  AppendRespCommand(wire_, args);
  ++size_;
  read_only_ = read_only_ && IsReadOnly(args);
  return *this;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Connect(ConnectionOptions options) {
  auto connection = std::make_unique<Connection>(std::move(options));
  absl::Status status = connection->ConnectNow();
  if (!status.ok()) return status;
  return connection;
}

Connection::Connection(ConnectionOptions options)
    : options_(std::move(options)), backoff_(options_.reconnect_initial_backoff) {}

Connection::~Connection() {
  Drop();
}

void Connection::Drop() {
  if (context_ != nullptr) {
    redisFree(context_);
    context_ = nullptr;
  }
}

absl::Status Connection::ConnectNow() {
  Drop();
  redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                            AsTimeval(options_.connect_timeout));
  if (c == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate a context");
  if (c->err != 0) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("redis connect ", options_.host, ":", options_.port, ": ", c->errstr));
    redisFree(c);
    return status;
  }
  redisSetTimeout(c, AsTimeval(options_.command_timeout));
  redisEnableKeepAlive(c);
  context_ = c;

  std::vector<std::vector<std::string>> setup;
  if (!options_.password.empty()) {
    if (options_.username.empty()) {
      setup.push_back({"AUTH", options_.password});
    } else {
      setup.push_back({"AUTH", options_.username, options_.password});
    }
  }
  if (options_.db != 0) setup.push_back({"SELECT", absl::StrCat(options_.db)});
  if (!setup.empty()) {
    Pipeline commands;
    for (const auto& command : setup)
      commands.Add(command);
    absl::StatusOr<std::vector<Reply>> replies = SendOnce(commands);
    if (!replies.ok()) {
      Drop();
      return replies.status();
    }
    for (size_t i = 0; i < replies->size(); ++i) {
      const Reply& reply = (*replies)[i];
      if (!reply.is_error()) continue;
      Drop();
      if (setup[i][0] == "AUTH") {
        return absl::PermissionDeniedError(absl::StrCat("redis AUTH: ", reply.str()));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("redis SELECT ", options_.db, ": ", reply.str()));
    }
  }
  ++connect_count_;
  backoff_ = options_.reconnect_initial_backoff;
  next_attempt_ = absl::InfinitePast();
  return absl::OkStatus();
}

absl::Status Connection::EnsureConnected() {
  if (context_ != nullptr) return absl::OkStatus();
  const absl::Time now = absl::Now();
  if (now < next_attempt_) {
    return absl::UnavailableError(absl::StrCat("redis ", options_.host, ":", options_.port,
                                               " unreachable; next reconnect attempt in ",
                                               absl::FormatDuration(next_attempt_ - now)));
  }
  absl::Status status = ConnectNow();
  if (!status.ok()) {
    next_attempt_ = absl::Now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max_backoff);
  }
  return status;
}

absl::StatusOr<std::vector<Reply>> Connection::SendOnce(const Pipeline& pipeline) {
  if (redisAppendFormattedCommand(context_, pipeline.wire().data(), pipeline.wire().size()) !=
      REDIS_OK) {
    absl::Status status = ContextError(context_, "append");
    Drop();
    return status;
  }
  std::vector<Reply> replies;
  replies.reserve(pipeline.size());
  for (size_t i = 0; i < pipeline.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      absl::Status status = ContextError(context_, "read");
      if (raw != nullptr) freeReplyObject(raw);
      Drop();
      return status;
    }
    replies.push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

absl::StatusOr<std::vector<Reply>> Connection::Execute(const Pipeline& pipeline,
                                                       Idempotency idempotency) {
  if (pipeline.empty()) return std::vector<Reply>{};
  absl::Status connected = EnsureConnected();
  if (!connected.ok()) return connected;
  absl::StatusOr<std::vector<Reply>> replies = SendOnce(pipeline);
  if (replies.ok()) return RefusedWhileLoading(*std::move(replies));
  if (replies.status().code() != absl::StatusCode::kUnavailable) {
    return replies;  // a timeout (link dropped; the next command reconnects)
  }
  // The link broke with the commands in flight: reconnect once now.
  absl::Status reconnected = ConnectNow();
  if (!reconnected.ok()) {
    next_attempt_ = absl::Now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max_backoff);
    return absl::UnavailableError(
        absl::StrCat(replies.status().message(), "; reconnect failed: ", reconnected.message()));
  }
  if (idempotency == Idempotency::kIdempotent || pipeline.read_only()) {
    replies = SendOnce(pipeline);
    if (replies.ok()) return RefusedWhileLoading(*std::move(replies));
    return replies;
  }
  return absl::UnavailableError(absl::StrCat(
      replies.status().message(),
      "; reconnected, but the command may or may not have been applied (not retried)"));
}

absl::StatusOr<Reply> Connection::Command(const std::vector<std::string>& args,
                                          Idempotency idempotency) {
  if (args.empty()) return absl::InvalidArgumentError("redis: empty command");
  Pipeline pipeline;
  pipeline.Add(args);
  absl::StatusOr<std::vector<Reply>> replies = Execute(pipeline, idempotency);
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

absl::Status Connection::Ping() {
  absl::StatusOr<Reply> reply = Command({"PING"}, Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  if (reply->is_status() && reply->str() == "PONG") return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("redis PING answered ", reply->DebugString()));
}

absl::StatusOr<Reply> CommandOrError(Connection& connection, const std::vector<std::string>& args,
                                     Idempotency idempotency) {
  absl::StatusOr<Reply> reply = connection.Command(args, idempotency);
  if (!reply.ok()) return reply.status();
  absl::Status status = reply->ToStatus();
  if (!status.ok()) return status;
  return reply;
}

}  // namespace oversight::redis
