// Small SVG charts for the HTML report, with no script and no external resources, so the page
// opens anywhere (a mail attachment, an intranet share). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace oversight::simulator {

struct Series {
  std::string name;
  std::vector<double> values;  // one per label
};

// A line chart: x = `labels`, y from 0 to `y_max` (`percent`: values are shares, shown as %).
// A NaN value is a gap in its line (nothing to show for that label).
std::string LineChart(std::string_view title, const std::vector<std::string>& labels,
                      const std::vector<Series>& series, double y_max, bool percent);

// Vertical bars, one per label, stacked by series.
std::string StackedBars(std::string_view title, const std::vector<std::string>& labels,
                        const std::vector<Series>& series);

// Horizontal bars, one row per label, stacked by series, with each row's total at its end.
std::string HorizontalStackedBars(std::string_view title, const std::vector<std::string>& labels,
                                  const std::vector<Series>& series);

// The colour of series `index` (a fixed palette, distinguishable in print).
std::string_view SeriesColour(size_t index);

}  // namespace oversight::simulator
