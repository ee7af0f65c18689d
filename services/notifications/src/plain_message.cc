#include "plain_message.h"

#include "absl/strings/str_cat.h"
#include "oversight/html/escape.h"

namespace oversight::notifications {

std::string PlainMessage::Text() const {
  std::string out = greeting_name.empty() ? "Hello,\n\n" : "Hello " + greeting_name + ",\n\n";
  for (const auto& paragraph : paragraphs)
    absl::StrAppend(&out, paragraph, "\n\n");
  if (!facts.empty()) {
    for (const auto& [label, value] : facts)
      absl::StrAppend(&out, label, ": ", value, "\n");
    out += "\n";
  }
  for (const auto& section : sections) {
    absl::StrAppend(&out, section.heading, "\n");
    for (const auto& item : section.items) {
      absl::StrAppend(&out, "- ", item.text, "\n");
      if (!item.link.empty()) absl::StrAppend(&out, "  ", item.link, "\n");
    }
    out += "\n";
  }
  if (!link.empty()) absl::StrAppend(&out, action, ": ", link, "\n\n");
  if (!footer.empty()) absl::StrAppend(&out, footer, "\n");
  return out;
}

std::string PlainMessage::Html() const {
  std::string out =
      "<!DOCTYPE html>\n<html><body style=\"font-family: Arial, sans-serif; color: #222;\">\n";
  absl::StrAppend(&out, "<p>Hello", greeting_name.empty() ? "" : " " + html::Escape(greeting_name),
                  ",</p>\n");
  for (const auto& paragraph : paragraphs)
    absl::StrAppend(&out, "<p>", html::Escape(paragraph), "</p>\n");
  if (!facts.empty()) {
    out += "<table cellpadding=\"4\" style=\"border-collapse: collapse;\">\n";
    for (const auto& [label, value] : facts) {
      absl::StrAppend(&out, "<tr><th align=\"left\">", html::Escape(label), "</th><td>",
                      html::Escape(value), "</td></tr>\n");
    }
    out += "</table>\n";
  }
  for (const auto& section : sections) {
    absl::StrAppend(&out, "<h3>", html::Escape(section.heading), "</h3>\n<ul>\n");
    for (const auto& item : section.items) {
      absl::StrAppend(&out, "<li>", html::Escape(item.text));
      if (!item.link.empty()) {
        absl::StrAppend(&out, " (<a href=\"", html::Escape(item.link), "\">open</a>)");
      }
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  if (!link.empty()) {
    absl::StrAppend(&out, "<p><a href=\"", html::Escape(link), "\">", html::Escape(action),
                    "</a></p>\n");
  }
  if (!footer.empty()) {
    absl::StrAppend(&out, "<p style=\"color: #666; font-size: small;\">", html::Escape(footer),
                    "</p>\n");
  }
  out += "</body></html>\n";
  return out;
}

v1::MessageBody PlainMessage::ToProto() const {
  v1::MessageBody body;
  body.set_greeting_name(greeting_name);
  for (const auto& paragraph : paragraphs)
    body.add_paragraphs(paragraph);
  for (const auto& [label, value] : facts) {
    auto* fact = body.add_facts();
    fact->set_label(label);
    fact->set_value(value);
  }
  for (const auto& section : sections) {
    auto* out = body.add_sections();
    out->set_heading(section.heading);
    for (const auto& item : section.items) {
      auto* entry = out->add_items();
      entry->set_text(item.text);
      entry->set_link(item.link);
    }
  }
  body.set_action(action);
  body.set_link(link);
  body.set_footer(footer);
  return body;
}

PlainMessage PlainMessage::FromProto(const v1::MessageBody& body) {
  PlainMessage message;
  message.greeting_name = body.greeting_name();
  message.paragraphs.assign(body.paragraphs().begin(), body.paragraphs().end());
  for (const auto& fact : body.facts())
    message.facts.emplace_back(fact.label(), fact.value());
  for (const auto& section : body.sections()) {
    Section& out = message.sections.emplace_back();
    out.heading = section.heading();
    for (const auto& item : section.items())
      out.items.push_back({item.text(), item.link()});
  }
  message.action = body.action();
  message.link = body.link();
  message.footer = body.footer();
  return message;
}

}  // namespace oversight::notifications
