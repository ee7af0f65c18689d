#include "oversight/testing/certificates.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "oversight/testing/child_process.h"

namespace oversight::testing {
namespace {

absl::Status Openssl(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  ChildProcessOptions options;
  options.argv = args;
  options.working_dir = dir;
  options.log_path = dir + "/openssl.log";
  auto process = ChildProcess::Start(options);
  if (!process.ok()) return process.status();
  auto code = (*process)->Wait(absl::Seconds(30));
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat("openssl ", args[1], " exited with ", *code, ": ", (*process)->ReadLog()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status Write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return out ? absl::OkStatus() : absl::InternalError("cannot write " + path);
}

// A self-signed CA `name`.crt / `name`.key.
absl::Status MakeCa(const std::string& dir, const std::string& name, const std::string& cn) {
  return Openssl(dir, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                       "-nodes", "-keyout", name + ".key", "-out", name + ".crt", "-days", "1",
                       "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
                       "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
}

// `name`.crt / `name`.key signed by `ca`, with the extensions in `extensions` (an extfile).
absl::Status MakeLeaf(const std::string& dir, const std::string& ca, const std::string& name,
                      const std::string& cn, const std::string& extensions) {
  if (auto s = Write(dir + "/" + name + ".ext", extensions); !s.ok()) return s;
  if (auto s = Openssl(
          dir, {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn});
      !s.ok()) {
    return s;
  }
  return Openssl(
      dir, {"x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
            "-CAcreateserial", "-out", name + ".crt", "-days", "1", "-extfile", name + ".ext"});
}

}  // namespace

absl::StatusOr<TestCertificates> MakeTestCertificates(const std::string& dir) {
  if (auto s = MakeCa(dir, "ca", "Oversight test CA"); !s.ok()) return s;
  if (auto s = MakeCa(dir, "other-ca", "Someone else's CA"); !s.ok()) return s;
  if (auto s = MakeLeaf(dir, "ca", "server", "localhost",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                        "extendedKeyUsage=serverAuth\n");
      !s.ok()) {
    return s;
  }
  const std::string client_ext = "extendedKeyUsage=clientAuth\n";
  if (auto s = MakeLeaf(dir, "ca", "client", "oversight-test-client", client_ext); !s.ok())
    return s;
  if (auto s = MakeLeaf(dir, "other-ca", "other-client", "intruder", client_ext); !s.ok()) return s;

  TestCertificates out;
  out.ca_file = dir + "/ca.crt";
  out.server_cert_file = dir + "/server.crt";
  out.server_key_file = dir + "/server.key";
  out.client_cert_file = dir + "/client.crt";
  out.client_key_file = dir + "/client.key";
  std::pair<std::string*, const char*> contents[] = {
      {&out.ca, "ca.crt"},
      {&out.client_cert, "client.crt"},
      {&out.client_key, "client.key"},
      {&out.other_ca, "other-ca.crt"},
      {&out.other_client_cert, "other-client.crt"},
      {&out.other_client_key, "other-client.key"},
  };
  for (auto& [field, file] : contents) {
    auto text = Read(dir + "/" + file);
    if (!text.ok()) return text.status();
    *field = *std::move(text);
  }
  return out;
}

}  // namespace oversight::testing
