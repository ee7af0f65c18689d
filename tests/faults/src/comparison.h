// The expected outcome against what came out: one row per kind of outcome, with what was
// expected, found, missing, doubled, unexpected (found but never expected) and wrong (found
// once but with another owner, status, due date or recipient than expected).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "expected_outcome.h"
#include "observed_outcome.h"

namespace oversight::faults {

struct OutcomeRow {
  std::string what;
  int64_t expected = 0;
  int64_t found = 0;  // expected and found
  int64_t missing = 0;
  int64_t doubled = 0;
  int64_t unexpected = 0;
  int64_t wrong = 0;
  std::string note;                   // context, e.g. copies of the same event on a topic
  std::vector<std::string> examples;  // the first problems, for the failure message

  bool ok() const { return missing == 0 && doubled == 0 && unexpected == 0 && wrong == 0; }
};

struct Comparison {
  std::vector<OutcomeRow> rows;
  bool ok() const;
  // Every row's problems with examples ("" when ok).
  std::string Problems() const;
};

Comparison Compare(const ExpectedOutcome& expected, const ObservedOutcome& observed);

// A Markdown table of the rows.
std::string FormatRows(const std::vector<OutcomeRow>& rows);

}  // namespace oversight::faults
