// The tamper-evidence of records: every stored version carries a SHA-256 over its canonical
// serialization chained to the previous version's hash, so a change to any stored version (or a
// version removed from the middle) breaks the chain and VerifyChain says where.
#pragma once

#include <string>
#include <vector>

#include "oversight/recording/v1/recording_service.pb.h"

namespace oversight::recording {

// Lower-case hex SHA-256 of: the deterministic protobuf serialization of `record` with
// content_hash and previous_hash cleared, followed by the bytes of `previous_hash`.
// Deterministic serialization writes fields in field-number order and omits unset proto3 fields,
// so adding fields to the proto later leaves the hashes of existing records unchanged.
// Pure and thread-safe.
std::string ContentHash(const v1::Record& record, const std::string& previous_hash);

// Sets record.previous_hash and record.content_hash (version and every other field as given).
void Seal(v1::Record& record, const std::string& previous_hash);

// What verification found.
struct Verification {
  bool intact = true;
  std::string detail;  // "3 versions, chain intact" or where it broke and how
};

// Checks that `versions` (in order, version 1 first) are numbered 1..n, that each one's
// content_hash matches its content, and that each previous_hash is the hash of the version
// before (empty for version 1). Does not modify its input.
Verification VerifyChain(const std::vector<v1::Record>& versions);

}  // namespace oversight::recording
