// Counting oversight tasks by rule id and status, for `oversight-ctl task-summary`. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::ctl {

// "requested", "in_progress", "completed", "cancelled" ("unspecified" for 0, the number for
// values this build does not know).
std::string StatusName(triggers::v1::TaskStatus status);
// The inverse for the four named statuses; false for anything else.
bool ParseStatus(const std::string& name, triggers::v1::TaskStatus* status);

// Orders rule ids as people read them: "D8" < "D14.1" < "D14.4" < "H2" (runs of digits
// compare as numbers).
bool RuleIdLess(const std::string& a, const std::string& b);

// Counts per rule id (ordered by RuleIdLess), per status name.
struct TaskCounts {
  struct Row {
    std::string rule_id;
    std::map<std::string, int> by_status;
    int total = 0;
  };
  std::vector<Row> rows;
  std::map<std::string, int> by_status;  // over every rule
  int total = 0;
};

// Counts `tasks`; a task without a rule id counts under "(none)".
TaskCounts CountTasks(const std::vector<triggers::v1::OversightTask>& tasks);

}  // namespace oversight::ctl
