// wasi-run.mjs MODULE ARGV0 [ARGS...]   (started by scarlet-wasi-node)
//
// Runs a WASI (wasi_snapshot_preview1) command module with Node's built-in
// WASI, as wasmtime would run it: same arguments, standard streams and exit
// status, the current directory and no environment (see preopens() below).
// Works on Node 18 (Debian 12) and later.
//
// Leave process.stdin/stdout/stderr alone (and do not import 'node:process',
// whose ES module wrapper reads them all): creating those streams switches
// pipes to non-blocking mode, and the program would then see EAGAIN from
// reads and writes that a native program's blocking descriptors never give.
import { writeSync } from 'node:fs';
import { opendir, readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const me = 'scarlet-wasi-node';
const [modulePath, argv0, ...args] = process.argv.slice(2);
if (modulePath === undefined || argv0 === undefined) {
  writeSync(2, `usage: ${me} NODE MODULE ARGV0 [ARGS...]\n`);
  process.exit(2);
}

function fail(status, message) {
  writeSync(2, `${me}: ${modulePath}: ${message}\n`);
  process.exit(status);
}

// What the program sees, the same from every WASI runtime in the registry
// (docs/registry.md, "What a WebAssembly program sees"): the current
// directory, preopened as "." (fd 3), as wasmtime and wasmer give it with
// --dir=., and nothing else: no other directory, no environment variable
// (neither of them passes any unless told to). Paths then behave as there:
// wasi-libc keeps its own working directory, "/", strips the leading "/"
// and "./" from a path and opens it under the preopen with the longest
// matching name, and "." matches everything, so "x", "./x" and "/x" all name
// ./x, and "../x" leads nowhere (Node's WASI refuses to leave a preopen).
// uvwasi fails as a whole if a preopen cannot be opened: without a usable
// current directory there is none.
async function preopens() {
  try {
    const cwd = process.cwd();
    await (await opendir(cwd)).close();
    return { '.': cwd };
  } catch {
    return {};
  }
}

// A component's preamble: "\0asm", version 0x0d, layer 1 (a core module's
// is version 1, layer 0), which Node's compile error would only call a
// wrong version.
async function isComponent(path) {
  const preamble = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
  try {
    const head = (await readFile(path)).subarray(0, 8);
    return preamble.every((byte, i) => head[i] === byte);
  } catch {
    return false;
  }
}

let module;
try {
  module = await WebAssembly.compile(await readFile(modulePath));
} catch (e) {
  if (e.code === 'ENOENT') fail(127, 'no such file');
  if (await isComponent(modulePath)) {
    fail(126, 'a WebAssembly component, not a core module: it needs a component runtime (wasmtime, or scarlet-wasi-component)');
  }
  fail(126, `not a valid WebAssembly module (${e.message})`);
}

let wasi;
try {
  wasi = new WASI({
    version: 'preview1', // required from Node 20 on; older Nodes ignore it
    args: [argv0, ...args],
    env: {},
    preopens: await preopens(),
    stdin: 0,
    stdout: 1,
    stderr: 2,
    returnOnExit: true, // proc_exit returns here instead of ending Node
  });
} catch (e) {
  fail(126, `cannot set up WASI (${e.message})`);
}

let instance;
try {
  // Node 18 has no wasi.getImportObject(); this form works everywhere.
  instance = await WebAssembly.instantiate(module, {
    wasi_snapshot_preview1: wasi.wasiImport,
  });
} catch (e) {
  fail(126, `not a WASI preview1 program (${e.message})`);
}
const { _start, memory } = instance.exports;
if (typeof _start !== 'function' || !(memory instanceof WebAssembly.Memory)) {
  fail(126, 'not a WASI command (it exports no _start function or no memory)');
}

let status;
try {
  status = wasi.start(instance) ?? 0;
} catch (e) {
  // A trap: report it and exit like an aborted program (as wasmtime does).
  fail(134, `${e.name}: ${e.message}`);
}
process.exitCode = status;
