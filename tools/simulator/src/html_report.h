// The report as one HTML page a manager would rather look at than read: headline figures,
// on-time rates per team and month, records within deadline, overdue items by kind at each
// month end, oversight tasks by trigger, reminders sent, and the emails caught. Inline SVG
// (svg_chart.h), no scripts. Pure.
#pragma once

#include <string>

#include "report.h"

namespace oversight::simulator {

// The page; email links point at `emails/<file>` beside it.
std::string RenderHtml(const Report& report);

}  // namespace oversight::simulator
