#ifndef OVERSIGHT_TESTING_FREE_PORT_H_
#define OVERSIGHT_TESTING_FREE_PORT_H_

namespace oversight::testing {

// Asks the kernel for a free TCP port on 127.0.0.1 (bind to port 0, read the port, close).
//
// Returns a port in 1..65535. The port is free at the moment of the call; another process could
// take it before the caller binds it, so prefer letting the server under test bind port 0 itself
// and report its port, and use this only for programs that cannot (redis-server, Kafka).
// Aborts with a message if no socket can be created or bound: a test cannot go on without one.
// Thread-safe.
int PickFreePort();

}  // namespace oversight::testing

#endif  // OVERSIGHT_TESTING_FREE_PORT_H_
