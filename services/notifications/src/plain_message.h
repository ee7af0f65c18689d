// One message in plain words, written once and rendered twice: as plain text (in-app, the
// text/plain part of an email, webhooks) and as simple HTML (the text/html part of an email).
// Every piece is plain text; the HTML rendering escapes it. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "oversight/notifications/v1/notifications.pb.h"

namespace oversight::notifications {

struct PlainMessage {
  std::string greeting_name;  // "Hello <name>," ("" : "Hello,")
  std::vector<std::string> paragraphs;
  std::vector<std::pair<std::string, std::string>> facts;  // label, value: a small table
  // Lists under a heading (the digest's sections): heading, then one line per entry with an
  // optional link.
  struct ListItem {
    std::string text;
    std::string link;
  };
  struct Section {
    std::string heading;
    std::vector<ListItem> items;
  };
  std::vector<Section> sections;
  std::string action;  // "Record it in the case system"
  std::string link;    // where the action is done
  std::string footer;  // why the person receives this

  std::string Text() const;
  std::string Html() const;

  // The storage form (Notification.body) and back: FromProto(m.ToProto()) renders as m does.
  v1::MessageBody ToProto() const;
  static PlainMessage FromProto(const v1::MessageBody& body);
};

}  // namespace oversight::notifications
