#ifndef OVERSIGHT_REDIS_TESTING_KEYSPACE_H_
#define OVERSIGHT_REDIS_TESTING_KEYSPACE_H_

#include <map>
#include <string>
#include <vector>

#include "oversight/redis/connection.h"

namespace oversight::redis::testing {

// A comparable dump of a Redis keyspace, so a test can assert that a rebuilt store equals the
// original key for key, or that a refused call changed nothing: every key matching `pattern`
// -> "<type>:<content>", where strings are as they are, and hashes, sets, sorted sets, lists and
// streams are sorted "field=value" / "member" / "member@score" / "index=value" / "id=fields"
// lists. Keys whose name contains one of `except` are left out. A failed SCAN gives the single
// entry {"<error>", ...}. One connection, one thread.
std::map<std::string, std::string> Keyspace(Connection& connection, const std::string& pattern,
                                            const std::vector<std::string>& except = {});

// The keys whose content differs between `a` and `b` (or that only one of them has), as
// "only before: K", "differs: K", "only after: K".
std::vector<std::string> Differences(const std::map<std::string, std::string>& a,
                                     const std::map<std::string, std::string>& b);

}  // namespace oversight::redis::testing

#endif  // OVERSIGHT_REDIS_TESTING_KEYSPACE_H_
