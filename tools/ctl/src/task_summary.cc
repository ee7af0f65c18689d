#include "task_summary.h"

#include <algorithm>
#include <cctype>

namespace oversight::ctl {

std::string StatusName(triggers::v1::TaskStatus status) {
  switch (status) {
    case triggers::v1::TASK_STATUS_UNSPECIFIED:
      return "unspecified";
    case triggers::v1::TASK_STATUS_REQUESTED:
      return "requested";
    case triggers::v1::TASK_STATUS_IN_PROGRESS:
      return "in_progress";
    case triggers::v1::TASK_STATUS_COMPLETED:
      return "completed";
    case triggers::v1::TASK_STATUS_CANCELLED:
      return "cancelled";
    default:
      return std::to_string(static_cast<int>(status));
  }
}

bool ParseStatus(const std::string& name, triggers::v1::TaskStatus* status) {
  for (auto candidate :
       {triggers::v1::TASK_STATUS_REQUESTED, triggers::v1::TASK_STATUS_IN_PROGRESS,
        triggers::v1::TASK_STATUS_COMPLETED, triggers::v1::TASK_STATUS_CANCELLED}) {
    if (StatusName(candidate) == name) {
      *status = candidate;
      return true;
    }
  }
  return false;
}

bool RuleIdLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool digit_a = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool digit_b = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (digit_a && digit_b) {
      size_t end_a = i, end_b = j;
      while (end_a < a.size() && std::isdigit(static_cast<unsigned char>(a[end_a])))
        ++end_a;
      while (end_b < b.size() && std::isdigit(static_cast<unsigned char>(b[end_b])))
        ++end_b;
      // Compare the numbers without converting (no overflow): strip leading zeros, then by
      // length, then digit by digit.
      std::string_view na(a.data() + i, end_a - i), nb(b.data() + j, end_b - j);
      while (na.size() > 1 && na.front() == '0')
        na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0')
        nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = end_a;
      j = end_b;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;
}

TaskCounts CountTasks(const std::vector<triggers::v1::OversightTask>& tasks) {
  std::map<std::string, TaskCounts::Row> rows;
  TaskCounts counts;
  for (const auto& task : tasks) {
    const std::string rule = task.rule_id().empty() ? "(none)" : task.rule_id();
    const std::string status = StatusName(task.status());
    auto& row = rows[rule];
    row.rule_id = rule;
    ++row.by_status[status];
    ++row.total;
    ++counts.by_status[status];
    ++counts.total;
  }
  for (auto& [rule, row] : rows)
    counts.rows.push_back(std::move(row));
  std::sort(counts.rows.begin(), counts.rows.end(),
            [](const auto& x, const auto& y) { return RuleIdLess(x.rule_id, y.rule_id); });
  return counts;
}

}  // namespace oversight::ctl
