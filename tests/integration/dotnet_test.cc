// .NET assemblies through the shim in a sandbox: the .NET Framework's run
// under Mono (the example, and Debian's own mcs.exe, a program nobody here
// wrote), and one built for .NET Core/5+ goes to dotnet or says in one line
// what to install; Mono is never handed it.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/builders.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

TEST_CASE("dotnet: .NET Framework programs run under Mono, Debian's mcs.exe among them", "[dotnet]") {
  RunResult r = in_sandbox(kCli, kRegistry,
                           "cp /usr/lib/mono/4.5/mcs.exe $T/ && chmod +x $T/mcs.exe && cd $T\n"
                           "echo '=== mcs'; ./mcs.exe --version; echo \"rc=$?\"\n"
                           "echo '=== hello'; $EXAMPLES/clr/hello.exe 'a b' | head -n 1; echo \"rc=$?\"\n",
                           "", {"EXAMPLES=" + kExamples});
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["mcs"].starts_with("Mono C# compiler version "));
  CHECK(s["mcs"].ends_with("rc=0\n"));
  CHECK(s["hello"] == "hello from clr\nrc=0\n");
}

TEST_CASE("dotnet: a .NET Core program where no dotnet is installed is one line naming it, exit 127", "[dotnet]") {
  if (::access("/usr/bin/dotnet", X_OK) == 0 || ::access("/usr/lib/dotnet/dotnet", X_OK) == 0 ||
      ::access("/usr/share/dotnet/dotnet", X_OK) == 0) {
    WARN("dotnet is installed here: nothing to check");
    return;
  }
  TempDir dir;
  PeSpec core;
  core.clr = true;
  core.target_framework = ".NETCoreApp,Version=v8.0";
  core.characteristics = 0x2022;  // app.dll
  dir.write("app.dll", build_pe(core), 0755);
  dir.write("app.runtimeconfig.json", R"({"runtimeOptions": {"tfm": "net8.0"}})");
  RunResult r = in_sandbox(kCli, kRegistry, "cd " + dir.path() + "; ./app.dll 2>&1; echo \"rc=$?\"");
  CHECK(r.out == "scarlet: ./app.dll: clr-core program, but no runtime is installed (tried dotnet); install a .NET "
                 "runtime (dotnet-runtime-8.0 from Microsoft's Debian 12 repository; Debian ships none)\nrc=127\n");
}
