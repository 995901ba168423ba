// component-run.mjs COMPONENT ARGV0 [ARGS...]   (started by scarlet-wasi-component)
//
// Runs a WebAssembly component that exports wasi:cli/run (a WASI 0.2
// command) on Node, as wasmtime would run it: same arguments, standard
// streams and exit status (run's ok is 0, its error 1, wasi:cli/exit's code
// as given), the current directory preopened as "." and nothing else, no
// environment and no network: what a WebAssembly program sees is the same
// whichever runtime runs it (docs/registry.md; wasmtime's --dir=. gives the
// same, and so does the core module launcher, wasi-run.mjs, which has no
// sockets at all, as the security review decided).
//
// How: jco's transpiler (npm @bytecodealliance/jco-transpile) turns the
// component into core modules plus JavaScript glue that lifts and lowers
// its canonical-ABI calls, and jco's WASI 0.2 shim for Node
// (@bytecodealliance/preview2-shim) implements the interfaces it imports.
// Both live in node_modules beside this file. The transpiled form is kept
// per user (component-cache.mjs), so only a component's first exec with a
// given Node and jco pays for jco.
//
// What runs is component-run.cjs, which the build makes from this file,
// component-cache.mjs and the WASI shim (CMakeLists.txt): one CommonJS file,
// so that an exec compiles one script instead of Node's ES module loader
// resolving and compiling twenty files (docs/benchmarks.md, section 7).
// jco's transpiler stays outside it, loaded from node_modules on a cache
// miss only; the shim's worker thread (worker-thread.bundle.js) is started
// from node_modules too. Hence no top-level await (CommonJS has none) and
// no import.meta here: this file's directory is that of the script Node runs.
import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

import * as cache from './component-cache.mjs';

const me = 'scarlet-wasi-component';
const [componentPath, argv0, ...args] = process.argv.slice(2);
if (componentPath === undefined || argv0 === undefined) {
  writeSync(2, `usage: ${me} NODE COMPONENT ARGV0 [ARGS...]\n`);
  process.exit(2);
}

function fail(status, message) {
  writeSync(2, `${me}: ${componentPath}: ${message}\n`);
  process.exit(status);
}

// The WASI shim writes the standard streams asynchronously, so a reader that
// went away (`prog | head -n 1`) surfaces here, not as the stream error a
// program sees under wasmtime. End as a native program would, by SIGPIPE's
// status and without a word (Node ignores the signal itself). Anything else
// is one line, not a stack trace through the generated glue.
process.on('uncaughtException', (e) => {
  if (e?.code === 'EPIPE') process.exit(128 + 13);
  fail(134, `${e?.name ?? 'Error'}: ${e?.message ?? e}`);
});

const here = dirname(process.argv[1]);
const require = createRequire(join(here, 'node_modules', 'package.json'));
// `bundled`: for a module in component-run.cjs, a function that imports it
// (a literal import() is bundled, its module run when the import is).
async function load(name, bundled) {
  try {
    return await (bundled ? bundled() : import(pathToFileURL(require.resolve(name)).href));
  } catch (e) {
    fail(127, `wasm-component program, but ${name} cannot be loaded (${e.message})`);
  }
}

// jco's glue (component.js) is an ES module whose only module syntax is the
// `export` before its two top-level declarations, instantiate and _util, and
// one import.meta.url, in the default getCoreModule that main() never leaves
// it to use. Without them it runs as a script, which needs neither Node's ES
// module loader nor a data: URL of itself (docs/benchmarks.md, section 7).
// Glue of another shape (another jco) fails to compile as a script and is
// imported as the module it is.
async function glueInstantiate(glue) {
  const body = glue.replace(/^export (function instantiate\b|const _util\b)/gm, '$1')
                   .replaceAll('import.meta.url', 'undefined');
  let script;
  try {
    script = new Script(`(function () { 'use strict';\n${body}\nreturn instantiate;\n})`, { filename: 'component.js' });
  } catch {
    cache.trace('the glue is not a script: imported as a module');
    return (await import(`data:text/javascript;base64,${Buffer.from(glue).toString('base64')}`)).instantiate;
  }
  return script.runInThisContext()();
}

async function main() {
  let bytes;
  try {
    bytes = await readFile(componentPath);
  } catch (e) {
    fail(e.code === 'ENOENT' ? 127 : 126, `cannot read it (${e.message})`);
  }
  // A component's preamble: "\0asm", version 0x0d, layer 1. A core module
  // (layer 0) belongs to the core launcher.
  const preamble = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
  if (!preamble.every((byte, i) => bytes[i] === byte)) {
    fail(126, 'not a WebAssembly component (a core module runs under a core WASI runtime)');
  }

  const componentHash = cache.sha256(bytes);
  const runtime = cache.runtimeIdentity(join(here, 'node_modules'));
  const dir = cache.cacheDir();
  const entry = dir && cache.entryName(componentHash, runtime);
  let files = dir ? await cache.lookup(dir, entry, componentHash, runtime) : null;
  if (files === null) {
    const { transpileBytes } = await load('@bytecodealliance/jco-transpile');
    try {
      // "instantiation" mode: the glue exports instantiate(getCoreModule,
      // imports) and imports nothing itself, so it can be loaded from memory.
      ({ files } = await transpileBytes(bytes, { name: 'component', instantiation: { tag: 'async' } }));
    } catch (e) {
      fail(126, `not a valid WebAssembly component (${e.message ?? e})`);
    }
    if (dir) await cache.store(dir, entry, componentHash, runtime, resolve(componentPath), files);
  }
  const { WASIShim } = await load('@bytecodealliance/preview2-shim/instantiation',
                                   () => import('@bytecodealliance/preview2-shim/instantiation'));

  const instantiate = await glueInstantiate(Buffer.from(files['component.js']).toString('utf8'));

  let cwd;
  try {
    cwd = process.cwd();
  } catch {
    cwd = undefined;  // no usable current directory: no preopen at all
  }
  // No network: wasmtime grants none unless asked (-S inherit-network), and
  // the core launcher has no sockets at all. With enableNetwork false the
  // shim's instance network denies TCP and UDP (bind, connect, listen,
  // accept: access-denied; a socket can be made, as under wasmtime, but not
  // used) and name lookups (permanent-resolver-failure).
  const shim = new WASIShim({
    sandbox: { preopens: cwd === undefined ? {} : { '.': cwd }, env: {}, args: [argv0, ...args], enableNetwork: false },
  });
  const imports = shim.getImportObject();
  // Its outgoing HTTP handler then throws "access-denied", which is no case
  // of wasi:http's error-code (a variant: jco's glue lowers it by its tag),
  // so the call would trap instead of returning an error. The component
  // gets HTTP-request-denied.
  imports['wasi:http/outgoing-handler'] = {
    handle() {
      throw { tag: 'HTTP-request-denied' };
    },
  };

  let instance;
  try {
    instance = await instantiate((name) => WebAssembly.compile(files[name]), imports);
  } catch (e) {
    fail(126, `cannot instantiate it with WASI 0.2 (${e.message ?? e})`);
  }
  const run = Object.entries(instance).find(([name]) => name.startsWith('wasi:cli/run@0.2'))?.[1];
  if (typeof run?.run !== 'function') {
    fail(126, 'not a WASI command (it exports no wasi:cli/run)');
  }

  try {
    run.run();
    process.exitCode = 0;
  } catch (e) {
    // run's error result arrives as a ComponentError; anything else is a trap,
    // reported and ended like an aborted program (as wasmtime does).
    if (e?.constructor?.name === 'ComponentError') process.exit(1);
    fail(134, `${e?.name ?? 'Error'}: ${e?.message ?? e}`);
  }
}

main();
