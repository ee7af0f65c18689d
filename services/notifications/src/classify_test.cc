// Which channel failures are worth another try (smtp_sender.h, webhook_sender.h).
#include <curl/curl.h>
#include <gtest/gtest.h>

#include "smtp_sender.h"
#include "webhook_sender.h"

namespace oversight::notifications {
namespace {

TEST(ClassifyTest, Smtp) {
  EXPECT_EQ(ClassifySmtp(CURLE_OK, 250, "").outcome, AttemptOutcome::kSent);
  // 4xx: try again later (greylisting, mailbox busy, server shutting down).
  EXPECT_EQ(ClassifySmtp(CURLE_SEND_ERROR, 451, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtp(CURLE_RECV_ERROR, 421, "").outcome, AttemptOutcome::kTemporary);
  // 5xx: the recipient or the message is refused for good.
  EXPECT_EQ(ClassifySmtp(CURLE_SEND_ERROR, 550, "").outcome, AttemptOutcome::kPermanent);
  EXPECT_EQ(ClassifySmtp(CURLE_RECV_ERROR, 554, "").outcome, AttemptOutcome::kPermanent);
  // No answer at all: the server is down or unreachable.
  EXPECT_EQ(ClassifySmtp(CURLE_COULDNT_CONNECT, 0, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtp(CURLE_OPERATION_TIMEDOUT, 0, "").outcome, AttemptOutcome::kTemporary);
  // Our own credentials or TLS set-up: an operator fixes them; the mail must wait, not die.
  EXPECT_EQ(ClassifySmtp(CURLE_LOGIN_DENIED, 535, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtp(CURLE_USE_SSL_FAILED, 0, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtp(CURLE_SEND_ERROR, 530, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtp(CURLE_SEND_ERROR, 535, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtp(CURLE_URL_MALFORMAT, 0, "").outcome, AttemptOutcome::kPermanent);
  EXPECT_EQ(ClassifySmtp(CURLE_SEND_ERROR, 550, "rejected").detail, "SMTP 550: rejected");
}

TEST(ClassifyTest, Http) {
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 200, "").outcome, AttemptOutcome::kSent);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 204, "").outcome, AttemptOutcome::kSent);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 500, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 503, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 429, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 408, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 400, "").outcome, AttemptOutcome::kPermanent);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 401, "").outcome, AttemptOutcome::kPermanent);
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 301, "").outcome, AttemptOutcome::kPermanent);
  EXPECT_EQ(ClassifyHttp(CURLE_COULDNT_CONNECT, 0, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifyHttp(CURLE_OPERATION_TIMEDOUT, 0, "").outcome, AttemptOutcome::kTemporary);
  EXPECT_EQ(ClassifyHttp(CURLE_UNSUPPORTED_PROTOCOL, 0, "").outcome, AttemptOutcome::kPermanent);
}

}  // namespace
}  // namespace oversight::notifications
