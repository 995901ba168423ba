// The per-user cache of transpiled WebAssembly components
// (src/launchers/component-cache.mjs) on the real Node and jco, through the
// shim in a sandbox: a hit skips jco, a new jco version is a new entry, an
// entry that fails validation is rebuilt, the bound evicts the least
// recently used, and users never share entries. SCARLET_CACHE_TRACE=1 makes
// the launcher say what it found.
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/user_copy.h"

using namespace scarlet::test;

namespace {

// Components run on Node (even where wasmtime is installed), from the
// user-reachable copy; $T/a.wasm and $T/b.wasm are two more components.
RunResult with_components(const std::string& script) {
  UserCopy copy(kBinaryDir);
  std::string libexec = copy.examples() + "/../libexec";
  RegistryCopy reg(copy.registry(), R"({"version": 1, "formats": {"wasm-component": {"runtimes": [{"path": "/usr/bin/node", "via": ")" +
                                        libexec + R"(/scarlet-wasi-component", "args": ["{runtime}", "{binary}", "{argv0}", "{args}"]}]}}})");
  return in_sandbox(copy.cli(), reg.path, R"SH(
export SCARLET_CACHE_TRACE=1 XDG_CACHE_HOME=$T/cache
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }
chmod 755 $T; mkdir -m 755 $T/u $T/cache; mkdir $T/u/cache; chown -R 1000:1000 $T/u
for c in env-exit:a preopens:b; do
  node $SRC/examples/wasm/wat2component.mjs $BIN/_deps/npm $SRC/tests/integration/wasm/${c%:*}.component.wat $T/${c#*:}.wasm
  chmod 755 $T/${c#*:}.wasm
done
hello=$EXAMPLES/wasm/hello.component.wasm
trace() { grep '^scarlet-wasi-component: ' | sed 's/^scarlet-wasi-component: \([a-z ]*\).*/\1/; s/ *$//'; }
entries() { ls $1/scarlet-dispatch/components | wc -l; }
)SH" + script,
                    "", {"EXAMPLES=" + copy.examples(), "SRC=" + kSourceDir, "BIN=" + kBinaryDir});
}

}  // namespace

TEST_CASE("component cache: the second exec is a hit, in a 0700 directory of the caller's", "[wasm][cache]") {
  RunResult r = with_components(R"SH(
echo '=== first'; $hello x 2>$T/err | head -n 1; trace <$T/err
echo '=== second'; $hello x 2>$T/err | head -n 1; trace <$T/err
echo '=== where'; stat -c '%a %u' $T/cache/scarlet-dispatch/components $T/cache/scarlet-dispatch/components/*; entries $T/cache
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["first"] == "hello from wasm-component\ncache miss\ncache stored\n");
  CHECK(s["second"] == "hello from wasm-component\ncache hit\n");
  CHECK(s["where"] == "700 0\n700 0\n1\n");
}

TEST_CASE("component cache: a new jco version is not served the old entry", "[wasm][cache]") {
  RunResult r = with_components(R"SH(
$hello 2>/dev/null >/dev/null
pkg=$EXAMPLES/../libexec/node_modules/@bytecodealliance/jco-transpile/package.json
sed 's/"version": "[^"]*"/"version": "999.0.0"/' $pkg >$T/package.json && mount --bind $T/package.json $pkg
echo '=== upgraded'; $hello 2>$T/err | head -n 1; trace <$T/err; entries $T/cache
umount $pkg
echo '=== back'; $hello 2>$T/err | head -n 1; trace <$T/err
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["upgraded"] == "hello from wasm-component\ncache miss\ncache stored\n2\n");
  CHECK(s["back"] == "hello from wasm-component\ncache hit\n");
}

TEST_CASE("component cache: an edited, torn or garbled entry is rebuilt, never used", "[wasm][cache]") {
  RunResult r = with_components(R"SH(
$hello 2>/dev/null >/dev/null; e=$(echo $T/cache/scarlet-dispatch/components/*)
echo '=== edited'; printf 'throw 1;' >>$e/component.js; $hello 2>$T/err | head -n 1; trace <$T/err
echo '=== torn'; for f in $e/*.wasm; do head -c 10 $f >$T/x; cat $T/x >$f; done; $hello 2>$T/err | head -n 1; trace <$T/err
echo '=== garbled'; echo '{"format":' >$e/manifest.json; $hello 2>$T/err | head -n 1; trace <$T/err
echo '=== missing'; rm $e/component.js; $hello 2>$T/err | head -n 1; trace <$T/err
echo '=== whole again'; $hello 2>$T/err | head -n 1; trace <$T/err
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  const std::string rebuilt = "hello from wasm-component\ncache entry\ncache stored\n";
  CHECK(s["edited"] == rebuilt);
  CHECK(s["torn"] == rebuilt);
  CHECK(s["garbled"] == rebuilt);
  CHECK(s["missing"] == rebuilt);
  CHECK(s["whole again"] == "hello from wasm-component\ncache hit\n");
}

TEST_CASE("component cache: a hit runs the glue without Node's ES module loader, and glue that is no script still runs", "[wasm][cache]") {
  // Node's debug log (NODE_DEBUG=esm) shows its ES module loader at work.
  // Glue of another shape (another jco: module syntax the launcher does not
  // take out), its manifest made to match, is imported as a module instead.
  RunResult r = with_components(R"SH(
$hello 2>/dev/null >/dev/null; e=$(echo $T/cache/scarlet-dispatch/components/*)
echo '=== hit'; NODE_DEBUG=esm $hello 2>$T/err | head -n 1; trace <$T/err; grep -q '^ESM' $T/err && echo esm
printf '\nexport const other = 1;\n' >>$e/component.js
node -e '
const fs = require("fs"), entry = process.argv[1], glue = fs.readFileSync(entry + "/component.js");
const m = JSON.parse(fs.readFileSync(entry + "/manifest.json"));
m.files["component.js"] = { size: glue.length, sha256: require("crypto").createHash("sha256").update(glue).digest("hex") };
fs.writeFileSync(entry + "/manifest.json", JSON.stringify(m));' $e
echo '=== module glue'; NODE_DEBUG=esm $hello 2>$T/err | head -n 1; trace <$T/err; grep -q '^ESM' $T/err && echo esm
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["hit"] == "hello from wasm-component\ncache hit\n");
  CHECK(s["module glue"] == "hello from wasm-component\ncache hit\nthe glue is not a script\nesm\n");
}

TEST_CASE("component cache: beyond its bound the least recently used entry goes", "[wasm][cache]") {
  // Each entry is about 160 KiB (mostly jco's glue): 0.25 MiB holds one.
  RunResult r = with_components(R"SH(
export SCARLET_CACHE_MAX_MB=0.25
$T/a.wasm 2>/dev/null; $T/b.wasm 2>$T/err; echo '=== b after a'; trace <$T/err; entries $T/cache
echo '=== a again'; $T/a.wasm 2>$T/err; trace <$T/err
echo '=== b again'; $T/b.wasm 2>$T/err; trace <$T/err
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["b after a"] == "cache miss\ncache stored\ncache evicted\n1\n");
  CHECK(s["a again"] == "cache miss\ncache stored\ncache evicted\n");
  CHECK(s["b again"] == "cache miss\ncache stored\ncache evicted\n");
}

TEST_CASE("component cache: two users never share entries, whatever XDG_CACHE_HOME or HOME say", "[wasm][cache]") {
  RunResult r = with_components(R"SH(
$hello 2>/dev/null >/dev/null
echo '=== user, own cache'; for i in 1 2; do as_user env XDG_CACHE_HOME=$T/u/cache $hello 2>$T/err | head -n 1; trace <$T/err; done
stat -c '%u' $T/u/cache/scarlet-dispatch/components/*
# root's cache named by the user's environment: not the user's, so not used
# (the user's passwd home serves instead, when it has one of its own).
home=$(getent passwd 1000 | cut -d: -f6)
if [ -d "$home" ]; then mkdir -p $T/uhome && chown 1000:1000 $T/uhome && mount --bind $T/uhome $home; fi
echo '=== user, root cache named'; as_user env XDG_CACHE_HOME=$T/cache HOME=/root $hello 2>$T/err | head -n 1
trace <$T/err | grep -c 'cache hit'; stat -c '%u' $T/cache/scarlet-dispatch/components/*; entries $T/cache
echo '=== root'; $hello 2>$T/err | head -n 1; trace <$T/err
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["user, own cache"] == "hello from wasm-component\ncache miss\ncache stored\nhello from wasm-component\ncache hit\n1000\n");
  CHECK(s["user, root cache named"] == "hello from wasm-component\n0\n0\n1\n");
  CHECK(s["root"] == "hello from wasm-component\ncache hit\n");
}
