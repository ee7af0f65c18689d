#include "html_report.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "oversight/html/escape.h"
#include "svg_chart.h"

namespace oversight::simulator {
namespace {

std::string MonthLabel(absl::CivilMonth month) {
  static constexpr const char* kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return absl::StrFormat("%s %02d", kNames[month.month() - 1], month.year() % 100);
}

std::string Card(std::string_view label, std::string_view value, std::string_view note = "") {
  return absl::StrFormat(
      "<div class=\"card\"><div class=\"value\">%s</div><div class=\"label\">%s</div>%s</div>",
      html::Escape(value), html::Escape(label),
      note.empty() ? "" : absl::StrCat("<div class=\"note\">", html::Escape(note), "</div>"));
}

std::string Percent(double share) {
  return absl::StrFormat("%.0f%%", 100 * share);
}

// A table cell shaded from red (0%) to green (100%).
std::string HeatCell(double share, int due) {
  if (due == 0) return "<td class=\"empty\">-</td>";
  const int red = static_cast<int>(220 - 120 * share);
  const int green = static_cast<int>(120 + 100 * share);
  return absl::StrFormat("<td style=\"background:rgb(%d,%d,130)\" title=\"%d due\">%s</td>", red,
                         green, due, Percent(share));
}

}  // namespace

std::string RenderHtml(const Report& report) {
  std::vector<absl::CivilMonth> months;
  for (absl::CivilMonth m(report.first_day); m < absl::CivilMonth(report.end_day); ++m)
    months.push_back(m);
  std::vector<std::string> month_labels;
  for (absl::CivilMonth m : months)
    month_labels.push_back(MonthLabel(m));

  auto figures_of = [&](const std::string& team, absl::CivilMonth month) {
    for (const TeamMonth& cell : report.compliance) {
      if (cell.team_id == team && cell.month == month) return cell.figures;
    }
    return scheduling::v1::ComplianceFigures();
  };

  int events = 0;
  for (const auto& [type, n] : report.replay.events_published)
    events += n;
  int held = 0;
  for (const auto& [kind, n] : report.replay.sessions_held)
    held += n;
  int completed_on_time = 0;
  int completed = 0;
  for (const TriggerFigures& t : report.triggers) {
    completed_on_time += t.completed_on_time;
    completed += t.completed_on_time + t.completed_late;
  }
  const int escalations = [&] {
    auto it = report.notifications_by_stage.find("ESCALATED");
    if (it == report.notifications_by_stage.end())
      it = report.notifications_by_stage.find("escalated");
    return it == report.notifications_by_stage.end() ? 0 : it->second;
  }();

  std::string html =
      absl::StrFormat(R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Oversight: %s, %s to %s</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:22px;margin-bottom:4px} h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ccc}
.sub{color:#555;margin-top:0} .cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ccc;border-radius:6px;padding:10px 14px;min-width:130px}
.value{font-size:22px;font-weight:bold} .label{color:#444} .note{color:#777;font-size:12px}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
th{background:#f4f4f4} td.name,th.name{text-align:left} td.empty{color:#aaa;text-align:center}
.small{font-size:12px;color:#555} svg{max-width:100%%;height:auto}
</style></head><body>
<h1>Supervision and management oversight: %s</h1>
<p class="sub">%s to %s, replayed from the authority's statutory returns with a simulated workforce (seed %d).</p>
<div class="cards">
)",
                      html::Escape(report.authority), absl::FormatCivilTime(report.first_day),
                      absl::FormatCivilTime(report.end_day - 1), html::Escape(report.authority),
                      absl::FormatCivilTime(report.first_day),
                      absl::FormatCivilTime(report.end_day - 1), report.seed);
  html +=
      Card("sessions and case discussions held on time", Percent(OnTimeRate(report.authority_year)),
           absl::StrCat(
               report.authority_year.sessions_on_time() +
                   report.authority_year.case_discussions_on_time(),
               " of ",
               report.authority_year.sessions_due() + report.authority_year.case_discussions_due(),
               " due"));
  html += Card("records written within deadline", Percent(RecordsOnTimeRate(report.authority_year)),
               absl::StrCat(report.authority_year.records_on_time(), " of ",
                            report.authority_year.records_due()));
  html += Card("oversight tasks completed on time",
               completed == 0 ? "-" : Percent(static_cast<double>(completed_on_time) / completed),
               absl::StrCat(report.tasks_total, " tasks opened"));
  html += Card("items overdue now", absl::StrCat(report.authority_year.open_overdue()));
  html +=
      Card("children open on day one", absl::StrCat(report.children_open_on_first_day),
           absl::StrCat(report.practitioners, " practitioners in ", report.teams.size(), " teams"));
  html += Card("reminders sent", absl::StrCat(report.notifications),
               absl::StrCat(escalations, " escalations, ", report.emails.size(), " emails"));
  html += Card("events", absl::StrCat(events), absl::StrCat(held, " sessions held"));
  html += "</div>\n";

  // On-time rates per month: the whole authority, and the teams with the lowest rate over the
  // period (every team is in the table below); a month with nothing due is a gap.
  const double gap = std::nan("");
  auto monthly = [&](const std::string& name, auto figures_in) {
    Series on{name, {}};
    Series rec{name, {}};
    for (absl::CivilMonth m : months) {
      const scheduling::v1::ComplianceFigures f = figures_in(m);
      const int due = f.sessions_due() + f.case_discussions_due();
      on.values.push_back(due == 0 ? gap : OnTimeRate(f));
      rec.values.push_back(f.records_due() == 0 ? gap : RecordsOnTimeRate(f));
    }
    return std::pair{on, rec};
  };
  std::vector<Series> on_time;
  std::vector<Series> records;
  auto [all_on, all_rec] = monthly("all teams", [&](absl::CivilMonth m) {
    scheduling::v1::ComplianceFigures sum;
    for (const Team& team : report.teams) {
      const auto f = figures_of(team.id, m);
      sum.set_sessions_due(sum.sessions_due() + f.sessions_due());
      sum.set_sessions_on_time(sum.sessions_on_time() + f.sessions_on_time());
      sum.set_case_discussions_due(sum.case_discussions_due() + f.case_discussions_due());
      sum.set_case_discussions_on_time(sum.case_discussions_on_time() +
                                       f.case_discussions_on_time());
      sum.set_records_due(sum.records_due() + f.records_due());
      sum.set_records_on_time(sum.records_on_time() + f.records_on_time());
    }
    return sum;
  });
  on_time.push_back(all_on);
  records.push_back(all_rec);
  std::vector<const Team*> lowest;
  for (const Team& team : report.teams)
    lowest.push_back(&team);
  auto year_rate = [&](const Team* team) {
    auto it = report.team_year.find(team->id);
    return it == report.team_year.end() ? 1.0 : OnTimeRate(it->second);
  };
  std::sort(lowest.begin(), lowest.end(),
            [&](const Team* a, const Team* b) { return year_rate(a) < year_rate(b); });
  if (lowest.size() > 4) lowest.resize(4);
  for (const Team* team : lowest) {
    auto [on, rec] =
        monthly(team->name, [&](absl::CivilMonth m) { return figures_of(team->id, m); });
    on_time.push_back(on);
    records.push_back(rec);
  }
  html += "<h2>Sessions and case discussions held on time, per team and month</h2>\n";
  html +=
      LineChart("Held on time (share of those due that month)", month_labels, on_time, 1.0, true);
  html += "\n<table><tr><th class=\"name\">team</th>";
  for (const std::string& label : month_labels)
    html += absl::StrCat("<th>", html::Escape(label), "</th>");
  html += "<th>year</th></tr>\n";
  for (const Team& team : report.teams) {
    html += absl::StrCat("<tr><td class=\"name\">", html::Escape(team.name), "</td>");
    for (absl::CivilMonth m : months) {
      const auto f = figures_of(team.id, m);
      html += HeatCell(OnTimeRate(f), f.sessions_due() + f.case_discussions_due());
    }
    auto year = report.team_year.find(team.id);
    if (year != report.team_year.end()) {
      html += HeatCell(OnTimeRate(year->second),
                       year->second.sessions_due() + year->second.case_discussions_due());
    }
    html += "</tr>\n";
  }
  html += "</table>\n";

  html += "<h2>Records written within their deadline, per team and month</h2>\n";
  html += LineChart(
      "Record, circulate and sign-off steps done within deadline: all teams, and the "
      "four lowest on time",
      month_labels, records, 1.0, true);

  // Overdue items by kind at each month end.
  std::set<std::string> kinds;
  for (const MonthSnapshot& snapshot : report.replay.months) {
    for (const auto& [kind, n] : snapshot.overdue_by_kind)
      kinds.insert(kind);
  }
  std::vector<Series> overdue;
  for (const std::string& kind : kinds) {
    Series s{kind, {}};
    for (absl::CivilMonth m : months) {
      double value = 0;
      for (const MonthSnapshot& snapshot : report.replay.months) {
        if (snapshot.month != m) continue;
        auto it = snapshot.overdue_by_kind.find(kind);
        if (it != snapshot.overdue_by_kind.end()) value = it->second;
      }
      s.values.push_back(value);
    }
    overdue.push_back(std::move(s));
  }
  html += "<h2>Overdue items by kind, at each month end</h2>\n";
  html += StackedBars("Items past their due date and not yet satisfied", month_labels, overdue);

  // Oversight tasks by trigger.
  std::vector<std::string> rules;
  std::vector<Series> by_status = {
      {"completed on time", {}}, {"completed late", {}}, {"open", {}}, {"cancelled", {}}};
  for (const TriggerFigures& t : report.triggers) {
    rules.push_back(t.rule_id);
    by_status[0].values.push_back(t.completed_on_time);
    by_status[1].values.push_back(t.completed_late);
    by_status[2].values.push_back(t.open);
    by_status[3].values.push_back(t.cancelled);
  }
  html += "<h2>Oversight tasks by trigger</h2>\n";
  html += HorizontalStackedBars("Tasks opened by each trigger rule of the pack", rules, by_status);
  html +=
      "\n<table><tr><th class=\"name\">rule</th><th class=\"name\">trigger</th><th>opened</th>"
      "<th>on time</th><th>late</th><th>open</th><th>of which "
      "overdue</th><th>cancelled</th></tr>\n";
  for (const TriggerFigures& t : report.triggers) {
    absl::StrAppendFormat(&html,
                          "<tr><td class=\"name\">%s</td><td class=\"name\">%s</td><td>%d</td>"
                          "<td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>\n",
                          html::Escape(t.rule_id), html::Escape(t.trigger_id), t.opened,
                          t.completed_on_time, t.completed_late, t.open, t.open_overdue,
                          t.cancelled);
  }
  html += "</table>\n";

  // Reminders.
  html +=
      "<h2>Reminders and escalations</h2>\n<table><tr><th "
      "class=\"name\">stage</th><th>notifications</th></tr>\n";
  for (const auto& [stage, n] : report.notifications_by_stage) {
    absl::StrAppendFormat(&html, "<tr><td class=\"name\">%s</td><td>%d</td></tr>\n",
                          html::Escape(stage), n);
  }
  html += "</table>\n<p class=\"small\">Deliveries by channel and outcome: ";
  bool first = true;
  for (const auto& [delivery, n] : report.deliveries) {
    absl::StrAppendFormat(&html, "%s%s %.0f", first ? "" : "; ", html::Escape(delivery), n);
    first = false;
  }
  html += ".</p>\n";

  html +=
      absl::StrFormat("<h2>Emails caught by the SMTP listener (%d)</h2>\n", report.emails.size());
  if (report.emails.empty()) {
    html += "<p class=\"small\">None.</p>\n";
  } else {
    html += "<ul class=\"small\">\n";
    const size_t shown = std::min<size_t>(report.emails.size(), 200);
    for (size_t i = 0; i < shown; ++i) {
      absl::StrAppendFormat(&html, "<li><a href=\"emails/%s\">%s</a></li>\n",
                            html::Escape(report.emails[i]), html::Escape(report.emails[i]));
    }
    if (shown < report.emails.size()) {
      absl::StrAppendFormat(&html, "<li>... and %d more in emails/</li>\n",
                            report.emails.size() - shown);
    }
    html += "</ul>\n";
  }

  html += "<h2>How this year was made</h2>\n<ul class=\"small\">\n";
  for (const auto& [source, years] : report.years_shifted) {
    absl::StrAppendFormat(&html, "<li>%s: dates moved by %d years onto this reporting year.</li>\n",
                          html::Escape(source), years);
  }
  absl::StrAppendFormat(&html,
                        "<li>%d return events before the year set each child's case on day one; %d "
                        "happened during it.</li>\n",
                        report.return_events_before_year, report.return_events_in_year);
  for (const auto& [issue, n] : report.import_issues) {
    absl::StrAppendFormat(&html, "<li>import: %d rows reported as %s</li>\n", n,
                          html::Escape(issue));
  }
  for (const auto& [kind, n] : report.replay.items_not_acted_on) {
    absl::StrAppendFormat(&html, "<li>the simulated staff do not act on %s items (%d seen)</li>\n",
                          html::Escape(kind), n);
  }
  for (const auto& [call, n] : report.replay.call_failures) {
    absl::StrAppendFormat(&html, "<li>refused by the services: %s &times; %d</li>\n",
                          html::Escape(call), n);
  }
  html += "</ul>\n</body></html>\n";
  return html;
}

}  // namespace oversight::simulator
