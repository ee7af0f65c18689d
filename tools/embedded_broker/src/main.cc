// oversight-embedded-broker: a Kafka cluster (librdkafka's mock) for demos and fault tests.
//
//   oversight-embedded-broker [--brokers N] [--partitions N] [--topic NAME]...
//                             [--no-default-topics] [--bootstrap-file PATH]
//                             [--control-socket PATH]
//
// Prints "BOOTSTRAP host:port[,...]" on stdout, then reads fault-injection commands (see
// fault_command.h), one per line, from stdin and from each connection to the control socket,
// answering "ok" or "error <why>". Runs until SIGINT/SIGTERM or the command "quit".

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "oversight/embedded_broker/embedded_broker.h"
#include "oversight/embedded_broker/fault_command.h"
#include "oversight/kafka/topics.h"

namespace {

using oversight::embedded_broker::EmbeddedBroker;

struct Args {
  oversight::embedded_broker::EmbeddedBrokerOptions options;
  bool default_topics = true;
  std::string bootstrap_file;
  std::string control_socket;
};

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "oversight-embedded-broker: " << message << "\n";
  std::exit(2);
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(flag + " needs a value");
      return argv[++i];
    };
    auto number = [&]() {
      const std::string text = value();
      int n = 0;
      if (!absl::SimpleAtoi(text, &n) || n < 1)
        Fail(flag + " needs a positive number, not " + text);
      return n;
    };
    if (flag == "--brokers") {
      args.options.brokers = number();
    } else if (flag == "--partitions") {
      args.options.partitions = number();
    } else if (flag == "--topic") {
      args.options.topics.push_back(value());
    } else if (flag == "--no-default-topics") {
      args.default_topics = false;
    } else if (flag == "--bootstrap-file") {
      args.bootstrap_file = value();
    } else if (flag == "--control-socket") {
      args.control_socket = value();
    } else if (flag == "--help" || flag == "-h") {
      std::cout << "usage: oversight-embedded-broker [--brokers N] [--partitions N] "
                   "[--topic NAME]... [--no-default-topics] [--bootstrap-file PATH] "
                   "[--control-socket PATH]\n";
      std::exit(0);
    } else {
      Fail("unknown option " + flag + " (try --help)");
    }
  }
  if (args.default_topics) {
    for (std::string_view topic : oversight::kafka::kDefaultTopics) {
      args.options.topics.emplace_back(topic);
    }
  }
  return args;
}

// The answer to one command line; "quit" asks the main thread to stop.
std::string Answer(EmbeddedBroker& broker, const std::string& line) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return "";
  if (line == "quit" || line == "quit\r") {
    kill(getpid(), SIGTERM);
    return "ok";
  }
  const absl::Status status = broker.Execute(line);
  return status.ok() ? "ok" : "error " + std::string(status.message());
}

void ServeStdin(EmbeddedBroker& broker) {
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::string answer = Answer(broker, line);
    if (!answer.empty()) std::cout << answer << std::endl;
  }
  // End of input does not stop the broker: it runs until a signal or "quit".
}

void ServeConnection(EmbeddedBroker& broker, int fd) {
  std::string buffer;
  char chunk[4096];
  while (true) {
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      const std::string answer = Answer(broker, buffer.substr(0, newline)) + "\n";
      buffer.erase(0, newline + 1);
      if (answer == "\n") continue;
      if (write(fd, answer.data(), answer.size()) < 0) break;
    }
  }
  close(fd);
}

int ListenUnix(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) Fail("control socket path too long: " + path);
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Fail(std::string("socket: ") + std::strerror(errno));
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 8) != 0) {
    Fail("cannot listen on " + path + ": " + std::strerror(errno));
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals in every thread (librdkafka's included); the main thread waits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const Args args = ParseArgs(argc, argv);
  auto broker = EmbeddedBroker::Start(args.options);
  if (!broker.ok()) Fail(std::string(broker.status().message()));

  int listen_fd = -1;
  if (!args.control_socket.empty()) listen_fd = ListenUnix(args.control_socket);
  if (!args.bootstrap_file.empty()) {
    const std::string temp = args.bootstrap_file + ".tmp";
    std::ofstream(temp) << (*broker)->bootstrap_servers() << "\n";
    if (std::rename(temp.c_str(), args.bootstrap_file.c_str()) != 0) {
      Fail("cannot write " + args.bootstrap_file + ": " + std::strerror(errno));
    }
  }
  std::cout << "BOOTSTRAP " << (*broker)->bootstrap_servers() << std::endl;

  std::thread(ServeStdin, std::ref(**broker)).detach();
  if (listen_fd >= 0) {
    std::thread([&broker, listen_fd] {
      while (true) {
        const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
          if (errno == EINTR) continue;
          return;
        }
        std::thread(ServeConnection, std::ref(**broker), fd).detach();
      }
    }).detach();
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "oversight-embedded-broker: stopping (" << strsignal(signal_number) << ")\n";
  if (!args.control_socket.empty()) unlink(args.control_socket.c_str());
  broker->reset();
  std::cout.flush();
  // Threads blocked on stdin or accept are left behind on purpose.
  _exit(0);
}
