// WebAssembly components (WASI 0.2 commands) through the shim in a sandbox:
// on Node with jco (src/launchers/scarlet-wasi-component), the candidate a
// fresh Debian 12 has, and what happens when a component meets a core-only
// runtime or a core module meets the component launcher.
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

const std::string kUtf8 = "\xc3\xa9t\xc3\xa9";  // "été"
const std::string kLibexec = kBinaryDir + "/libexec";

// The registry with wasm-component's candidates replaced by `runtimes`.
std::string component_runtimes(const std::string& runtimes) {
  return R"({"version": 1, "formats": {"wasm-component": {"runtimes": [)" + runtimes + "]}}}";
}

const std::string kOnNode = R"({"path": "/usr/bin/node", "via": ")" + kLibexec +
                            R"(/scarlet-wasi-component", "args": ["{runtime}", "{binary}", "{argv0}", "{args}"]})";

// Builds tests/integration/wasm/NAME.component.wat into $T/NAME.wasm and
// runs `script` in a sandbox where components run on Node.
RunResult on_node(const std::string& name, const std::string& script) {
  RegistryCopy reg(kRegistry, component_runtimes(kOnNode));
  return in_sandbox(kCli, reg.path,
                           "node $SRC/examples/wasm/wat2component.mjs $BIN/_deps/npm $SRC/tests/integration/wasm/" + name +
                               ".component.wat $T/" + name + ".wasm && chmod +x $T/" + name + ".wasm\n" + script,
                           "", {"SRC=" + kSourceDir, "BIN=" + kBinaryDir});
}

// A script that runs COMMAND PORT in $T, PORT that of a TCP listener on
// 127.0.0.1 (Node's), then prints "=== component" (COMMAND's output and
// status) and "=== listener" (how many connections it accepted). The
// listener stops when the script stops it, taking 0.3 s to accept what the
// kernel already holds, or by itself after 10 s.
std::string with_listener(const std::string& command) {
  return R"SH(
cd $T
node -e '
const server = require("node:net").createServer((s) => { accepted++; s.destroy(); });
let accepted = 0;
const stop = () => { console.log(`accepted=${accepted}`); process.exit(0); };
server.listen(0, "127.0.0.1", () => require("node:fs").writeFileSync("port.tmp", String(server.address().port)));
process.on("SIGTERM", () => setTimeout(stop, 300)); setTimeout(stop, 10000);' >listener.out &
listener=$!
for i in $(seq 100); do [ -s port.tmp ] && break; sleep 0.1; done
echo '=== component'; )SH" + command + R"SH( "$(cat port.tmp)"; echo "rc=$?"
kill $listener; wait $listener
echo '=== listener'; cat listener.out
)SH";
}

}  // namespace

TEST_CASE("wasm component: the sample runs on jco and Node with its output, arguments, stdin and argv[0]", "[wasm]") {
  RegistryCopy reg(kRegistry, component_runtimes(kOnNode));  // Node even where wasmtime is installed
  RunResult r = in_sandbox(kCli, reg.path,
                           "cd $EXAMPLES/wasm\n"
                           "echo '=== run'; printf 'line one\\nline two\\n' | ./hello.component.wasm - 'a b' " + kUtf8 +
                               "; echo \"rc=$?\"\n"
                               "echo '=== exec -a'; bash -c 'exec -a custom-argv0 ./hello.component.wasm x'; echo \"rc=$?\"\n"
                               "echo '=== explain'; $CLI explain ./hello.component.wasm | grep -c scarlet-wasi-component\n",
                           "", {"EXAMPLES=" + kExamples});
  INFO(r.err);
  auto s = sections(r.out);
  // WASI 0.2's run returns ok or error only: the sample's ok is status 0.
  CHECK(s["run"] == "hello from wasm-component\nargv0=./hello.component.wasm\narg1=[-]\narg2=[a b]\narg3=[" + kUtf8 +
                        "]\nline one\nline two\nrc=0\n");
  CHECK(s["exec -a"] == "hello from wasm-component\nargv0=custom-argv0\narg1=[x]\nrc=0\n");
  CHECK(s["explain"] != "0\n");
}

TEST_CASE("wasm component: on Node it sees no environment, as under wasmtime, and its exit status is kept", "[wasm]") {
  // tests/integration/wasm/env-exit.component.wat exits with error when it
  // was given an environment variable or an argument.
  RunResult r = on_node("env-exit",
                        "cd $T; echo '=== environment'; FOO=bar ./env-exit.wasm; echo \"rc=$?\"\n"
                        "echo '=== argument'; ./env-exit.wasm x; echo \"rc=$?\"\n");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["environment"] == "rc=0\n");  // FOO and the rest of the caller's environment stay outside
  CHECK(s["argument"] == "rc=1\n");     // wasi:cli/exit's error
}

TEST_CASE("wasm component: on Node it sees the current directory alone, as \".\", as under wasmtime", "[wasm]") {
  // tests/integration/wasm/preopens.component.wat exits with ok only when
  // exactly one directory is preopened for it and it is named ".".
  RunResult r = on_node("preopens",
                        "cd $T; echo '=== here'; ./preopens.wasm; echo \"rc=$?\"\n"
                        "mkdir sub; cd sub; echo '=== below'; ../preopens.wasm; echo \"rc=$?\"\n");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["here"] == "rc=0\n");
  CHECK(s["below"] == "rc=0\n");
}

TEST_CASE("security: a WebAssembly component gets no network: TCP, UDP and name lookups are denied, as under wasmtime", "[wasm][security]") {
  // tests/integration/wasm/network.component.wat connects to 127.0.0.1 on
  // the port it is given, binds a UDP socket and looks up "localhost",
  // saying what each call returned. The shim's default is network on: then
  // all of it succeeds and the listener is connected to.
  RunResult r = on_node("network", with_listener("./network.wasm"));
  INFO(r.err);
  auto s = sections(r.out);
  // A socket can be made, as under wasmtime; using it is what is denied.
  CHECK(s["component"] ==
        "create-tcp-socket: ok\nstart-connect: access-denied\nudp start-bind: access-denied\n"
        "resolve-addresses: permanent-resolver-failure\nrc=0\n");
  CHECK(s["listener"] == "accepted=0\n");
}

TEST_CASE("security: a WebAssembly component's outgoing HTTP request is denied with HTTP-request-denied, not a crash", "[wasm][security]") {
  // tests/integration/wasm/http.component.wat sends a GET to 127.0.0.1 on
  // the port it is given through wasi:http's outgoing handler and says what
  // handle returned. Network on (the shim's default), the request reaches
  // the listener; the shim's own denial throws "access-denied", no case of
  // wasi:http's error-code, and the launcher ended with a TypeError (134).
  RunResult r = on_node("http", with_listener("./http.wasm"));
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["component"] == "handle: HTTP-request-denied\nrc=0\n");
  CHECK(s["listener"] == "accepted=0\n");
}

TEST_CASE("wasm component: a reader that goes away ends it quietly, as SIGPIPE ends a native program", "[wasm]") {
  RegistryCopy reg(kRegistry, component_runtimes(kOnNode));
  // A megabyte through "-" (stdin to stdout), of which head takes one byte.
  RunResult r = in_sandbox(kCli, reg.path,
                           "cd $EXAMPLES/wasm; head -c 1000000 /dev/zero | { ./hello.component.wasm - 2>$T/err; "
                           "echo \"rc=$?\" >$T/rc; } | head -c 1 | wc -c; cat $T/rc; wc -c <$T/err\n",
                           "", {"EXAMPLES=" + kExamples});
  CHECK(r.out == "1\nrc=141\n0\n");
}

TEST_CASE("wasm component: a cached exec starts the WASI shim's worker thread on its first call, not always", "[wasm]") {
  // Node's debug log (NODE_DEBUG=worker) says when a Worker is made. The
  // sample writes to stdout alone unless it is given "-", when it copies
  // stdin, which the shim reads through its worker (component-threads.mjs).
  // The first exec fills the cache: jco's transpiler runs a shim of its own.
  RegistryCopy reg(kRegistry, component_runtimes(kOnNode));
  RunResult r = in_sandbox(kCli, reg.path,
                           "cd $EXAMPLES/wasm; export XDG_CACHE_HOME=$T/cache; mkdir $T/cache\n"
                           "./hello.component.wasm a >/dev/null 2>&1; export NODE_DEBUG=worker\n"
                           "echo '=== stdout only'; ./hello.component.wasm a 2>$T/err | head -n 1; "
                           "grep -c 'created Worker' $T/err\n"
                           "echo '=== stdin'; echo in | ./hello.component.wasm - 2>$T/err | tail -n 1; "
                           "grep -c 'created Worker' $T/err\n",
                           "", {"EXAMPLES=" + kExamples});
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["stdout only"] == "hello from wasm-component\n0\n");
  CHECK(s["stdin"] == "in\n1\n");
}

TEST_CASE("wasm component: a cached exec writes its output without making Node's stdout and stderr streams", "[wasm]") {
  // The launcher writes a component's stdout and stderr with fs.writeSync
  // (component-process.cjs); Node's process.stdout would be a net.Socket on
  // a pipe, a SyncWriteStream on a file, and Node's require facade of
  // node:process would make all three streams and load process.report.
  // A probe given by NODE_OPTIONS lists which of those modules an exec loaded.
  RegistryCopy reg(kRegistry, component_runtimes(kOnNode));
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
cd $EXAMPLES/wasm; export XDG_CACHE_HOME=$T/cache; mkdir $T/cache
./hello.component.wasm a >/dev/null 2>&1
cat >$T/probe.js <<'EOF'
process.on('exit', () => {
  const streams = process.moduleLoadList.filter((m) =>
    /^NativeModule (net|tty|internal\/fs\/sync_write_stream|internal\/process\/report)$/.test(m));
  require('fs').writeFileSync(process.env.PROBE, streams.map((m) => `${m}\n`).join(''));
});
EOF
export NODE_OPTIONS="--require $T/probe.js"
echo '=== pipe'; PROBE=$T/pipe ./hello.component.wasm a 2>$T/err | tail -n 1; echo "rc=$?"; cat $T/pipe $T/err
echo '=== file'; PROBE=$T/file ./hello.component.wasm a >$T/out 2>$T/err; echo "rc=$?"; tail -n 1 $T/out; cat $T/file $T/err
)SH", "", {"EXAMPLES=" + kExamples});
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["pipe"] == "arg1=[a]\nrc=0\n");
  CHECK(s["file"] == "rc=0\narg1=[a]\n");
}

TEST_CASE("wasm component: NODE_EXTRA_CA_CERTS is not read for a component, which has no network", "[wasm]") {
  // Node reads (and parses) the certificates the variable names at every
  // start, and says so on stderr, whatever --no-warnings, when it cannot.
  // The launcher unsets it: its Node makes no TLS connection.
  RegistryCopy reg(kRegistry, component_runtimes(kOnNode));
  RunResult r = in_sandbox(kCli, reg.path,
                           "cd $EXAMPLES/wasm; NODE_EXTRA_CA_CERTS=$T/none.pem ./hello.component.wasm a 2>$T/err | tail -n 1; "
                           "echo \"rc=$?\"; cat $T/err\n",
                           "", {"EXAMPLES=" + kExamples});
  INFO(r.err);
  CHECK(r.out == "arg1=[a]\nrc=0\n");
}

TEST_CASE("wasm component: a launcher without jco or without its bundle says which, in one line, exit 127", "[wasm]") {
  // A copy of the launcher in a directory of its own: first with nothing
  // beside it, then with jco's packages but not component-run.cjs.
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
mkdir $T/l && cp $LIBEXEC/scarlet-wasi-component $T/l/ && cd $EXAMPLES/wasm
echo '=== no jco'; $T/l/scarlet-wasi-component node hello.component.wasm x >$T/o 2>&1; rc=$?; sed "s|$T|T|g" $T/o; echo "rc=$rc"
ln -s $LIBEXEC/node_modules $T/l/node_modules
echo '=== no bundle'; $T/l/scarlet-wasi-component node hello.component.wasm x >$T/o 2>&1; rc=$?; sed "s|$T|T|g" $T/o; echo "rc=$rc"
)SH", "", {"EXAMPLES=" + kExamples, "LIBEXEC=" + kLibexec});
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["no jco"] == "scarlet-wasi-component: hello.component.wasm: wasm-component program, but jco is not installed in T/l/node_modules "
                       "(@bytecodealliance/jco-transpile, @bytecodealliance/preview2-shim)\nrc=127\n");
  CHECK(s["no bundle"] == "scarlet-wasi-component: hello.component.wasm: wasm-component program, but the launcher is incomplete: "
                          "T/l/component-run.cjs is missing (reinstall scarlet-dispatch)\nrc=127\n");
}

TEST_CASE("wasm component: the default registry runs the sample on a host without wasmtime", "[wasm]") {
  RunResult r = in_sandbox(kCli, kRegistry, "cd $EXAMPLES/wasm; ./hello.component.wasm a; echo \"rc=$?\"", "",
                           {"EXAMPLES=" + kExamples});
  INFO(r.err);
  CHECK(r.out == "hello from wasm-component\nargv0=./hello.component.wasm\narg1=[a]\nrc=0\n");
}

TEST_CASE("wasm component: a component given to the core-only launcher is one line, exit 126", "[wasm]") {
  RegistryCopy reg(kRegistry, component_runtimes(R"({"path": "/usr/bin/node", "via": ")" + kLibexec +
                                                 R"(/scarlet-wasi-node", "args": ["{runtime}", "{binary}", "{argv0}", "{args}"]})"));
  RunResult r = in_sandbox(kCli, reg.path, "cd $EXAMPLES/wasm; ./hello.component.wasm a 2>&1; echo \"rc=$?\"", "",
                           {"EXAMPLES=" + kExamples});
  CHECK(r.out == "scarlet-wasi-node: ./hello.component.wasm: a WebAssembly component, not a core module: it needs a "
                 "component runtime (wasmtime, or scarlet-wasi-component)\nrc=126\n");
}

TEST_CASE("wasm component: a core module given to the component launcher is one line, exit 126", "[wasm]") {
  RegistryCopy reg(kRegistry, R"({"version": 1, "formats": {"wasm": {"runtimes": [)" + kOnNode + "]}}}");
  RunResult r = in_sandbox(kCli, reg.path, "cd $EXAMPLES/wasm; ./hello.wasm a 2>&1; echo \"rc=$?\"", "",
                           {"EXAMPLES=" + kExamples});
  CHECK(r.out == "scarlet-wasi-component: ./hello.wasm: not a WebAssembly component (a core module runs under a core "
                 "WASI runtime)\nrc=126\n");
}
