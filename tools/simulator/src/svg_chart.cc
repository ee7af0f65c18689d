#include "svg_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "oversight/html/escape.h"

namespace oversight::simulator {
namespace {

constexpr std::string_view kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                         "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173"};

constexpr double kWidth = 760;
constexpr double kLeft = 56;
constexpr double kRight = 170;  // legend
constexpr double kTop = 34;
constexpr double kBottom = 48;

std::string Open(double height, std::string_view title) {
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
      "height=\"%.0f\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" "
      "font-size=\"11\"><title>%s</title><text x=\"%.0f\" y=\"18\" font-size=\"14\" "
      "font-weight=\"bold\">%s</text>",
      kWidth, height, kWidth, height, html::Escape(title), html::Escape(title), kLeft,
      html::Escape(title));
}

std::string Legend(const std::vector<Series>& series, double top) {
  std::string svg;
  for (size_t i = 0; i < series.size(); ++i) {
    const double y = top + 16.0 * static_cast<double>(i);
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                          "<text x=\"%.0f\" y=\"%.0f\">%s</text>",
                          kWidth - kRight + 14, y, SeriesColour(i), kWidth - kRight + 28, y + 9,
                          html::Escape(series[i].name));
  }
  return svg;
}

// A "nice" axis maximum at or above `value`: 1, 2 or 5 times a power of ten.
double NiceMax(double value) {
  if (value <= 0) return 1;
  const double power = std::pow(10, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

std::string YAxis(double height, double y_max, bool percent) {
  std::string svg;
  const double plot = height - kTop - kBottom;
  for (int i = 0; i <= 4; ++i) {
    const double value = y_max * i / 4;
    const double y = kTop + plot - plot * i / 4;
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
        "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
        kLeft, y, kWidth - kRight, y, kLeft - 6, y + 4,
        percent ? absl::StrFormat("%.0f%%", value * 100) : absl::StrFormat("%.0f", value));
  }
  return svg;
}

std::string XLabels(const std::vector<std::string>& labels, double height, double step,
                    double offset) {
  std::string svg;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double x = kLeft + offset + step * static_cast<double>(i);
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"end\" "
                          "transform=\"rotate(-35 %.1f %.0f)\">%s</text>",
                          x, height - kBottom + 14, x, height - kBottom + 14,
                          html::Escape(labels[i]));
  }
  return svg;
}

}  // namespace

std::string_view SeriesColour(size_t index) {
  return kPalette[index % std::size(kPalette)];
}

std::string LineChart(std::string_view title, const std::vector<std::string>& labels,
                      const std::vector<Series>& series, double y_max, bool percent) {
  const double height = std::max(260.0, kTop + kBottom + 16.0 * static_cast<double>(series.size()));
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = height - kTop - kBottom;
  const double step = labels.size() > 1 ? plot_w / static_cast<double>(labels.size() - 1) : 0;
  std::string svg = Open(height, title) + YAxis(height, y_max, percent);
  for (size_t s = 0; s < series.size(); ++s) {
    // A NaN value is a gap (nothing to show that month): the line breaks there.
    std::vector<std::string> runs(1);
    for (size_t i = 0; i < series[s].values.size() && i < labels.size(); ++i) {
      if (std::isnan(series[s].values[i])) {
        if (!runs.back().empty()) runs.emplace_back();
        continue;
      }
      const double v = std::clamp(series[s].values[i], 0.0, y_max);
      const double x = kLeft + step * static_cast<double>(i);
      const double y = kTop + plot_h - plot_h * v / y_max;
      absl::StrAppendFormat(&runs.back(), "%.1f,%.1f ", x, y);
      absl::StrAppendFormat(&svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x, y,
                            SeriesColour(s));
    }
    for (const std::string& points : runs) {
      if (points.empty()) continue;
      absl::StrAppendFormat(&svg,
                            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                            "points=\"%s\"><title>%s</title></polyline>",
                            SeriesColour(s), points, html::Escape(series[s].name));
    }
  }
  return svg + XLabels(labels, height, step, 0) + Legend(series, kTop) + "</svg>";
}

std::string StackedBars(std::string_view title, const std::vector<std::string>& labels,
                        const std::vector<Series>& series) {
  const double height = std::max(280.0, kTop + kBottom + 16.0 * static_cast<double>(series.size()));
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = height - kTop - kBottom;
  double total_max = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    double total = 0;
    for (const Series& s : series)
      total += i < s.values.size() ? s.values[i] : 0;
    total_max = std::max(total_max, total);
  }
  const double y_max = NiceMax(total_max);
  const double step = labels.empty() ? 0 : plot_w / static_cast<double>(labels.size());
  std::string svg = Open(height, title) + YAxis(height, y_max, false);
  for (size_t i = 0; i < labels.size(); ++i) {
    double base = 0;
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = i < series[s].values.size() ? series[s].values[i] : 0;
      if (v <= 0) continue;
      const double y0 = kTop + plot_h - plot_h * (base + v) / y_max;
      absl::StrAppendFormat(&svg,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            "fill=\"%s\"><title>%s %s: %.0f</title></rect>",
                            kLeft + step * static_cast<double>(i) + step * 0.15, y0, step * 0.7,
                            plot_h * v / y_max, SeriesColour(s), html::Escape(labels[i]),
                            html::Escape(series[s].name), v);
      base += v;
    }
  }
  return svg + XLabels(labels, height, step, step / 2) + Legend(series, kTop) + "</svg>";
}

std::string HorizontalStackedBars(std::string_view title, const std::vector<std::string>& labels,
                                  const std::vector<Series>& series) {
  const double row = 20;
  const double height = std::max(kTop + 30 + row * static_cast<double>(labels.size()),
                                 kTop + 16.0 * static_cast<double>(series.size()) + 10);
  const double left = 90;
  const double plot_w = kWidth - left - kRight - 40;
  double total_max = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    double total = 0;
    for (const Series& s : series)
      total += i < s.values.size() ? s.values[i] : 0;
    total_max = std::max(total_max, total);
  }
  const double x_max = NiceMax(total_max);
  std::string svg = Open(height, title);
  for (size_t i = 0; i < labels.size(); ++i) {
    const double y = kTop + row * static_cast<double>(i);
    absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                          left - 6, y + 13, html::Escape(labels[i]));
    double base = 0;
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = i < series[s].values.size() ? series[s].values[i] : 0;
      if (v <= 0) continue;
      absl::StrAppendFormat(&svg,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
                            "fill=\"%s\"><title>%s %s: %.0f</title></rect>",
                            left + plot_w * base / x_max, y + 3, plot_w * v / x_max, row - 6,
                            SeriesColour(s), html::Escape(labels[i]), html::Escape(series[s].name),
                            v);
      base += v;
    }
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\">%.0f</text>",
                          left + plot_w * base / x_max + 4, y + 13, base);
  }
  return svg + Legend(series, kTop) + "</svg>";
}

}  // namespace oversight::simulator
