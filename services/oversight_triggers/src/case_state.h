// What oversight-triggers remembers between events: each child's case (who holds it) and the
// workforce directory (who supervises whom). Plain values; persistence is in task_store.h.
#pragma once

#include <string>
#include <vector>

#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::triggers {

// A child's case as far as oversight needs it.
struct ChildCase {
  std::string child_id;
  std::string worker_id;  // the allocated practitioner ("" before allocation)
  std::string team_id;
  std::string case_type;  // oversight.common.v1.CaseType value name
  std::string risk;       // oversight.common.v1.RiskLevel value name
  bool closed = false;
};

// One worker in the directory built from workforce events.
struct WorkerEntry {
  std::string worker_id;
  std::string supervisor_id;  // their line manager
  std::string team_id;
  bool left = false;
};

// Looks a worker up in the directory; returns false if unknown.
class Directory {
 public:
  virtual ~Directory() = default;
  virtual bool Find(const std::string& worker_id, WorkerEntry& out) const = 0;
};

// The state an event is decided against.
struct CaseContext {
  ChildCase child;
  // True once a case event about the child was accepted (see OpensCase in case_contract.h).
  bool known = false;
  // The child's version as read: every change to the child or its tasks writes the next one,
  // guarded by this (optimistic concurrency between consumers and gRPC calls). "" = never.
  std::string version;
  std::vector<v1::OversightTask> open_tasks;  // requested or in progress, for this child
};

// True for requested and in-progress tasks.
inline bool IsOpen(const v1::OversightTask& task) {
  return task.status() == v1::TASK_STATUS_REQUESTED || task.status() == v1::TASK_STATUS_IN_PROGRESS;
}

}  // namespace oversight::triggers
