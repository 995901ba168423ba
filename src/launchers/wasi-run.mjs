// wasi-run.mjs MODULE ARGV0 [ARGS...]   (started by scarlet-wasi-node)
//
// Runs a WASI (wasi_snapshot_preview1) command module with Node's built-in
// WASI, as a native program would run: same arguments, environment, standard
// streams, files, and exit status. Works on Node 18 (Debian 12) and later.
//
// Leave process.stdin/stdout/stderr alone (and do not import 'node:process',
// whose ES module wrapper reads them all): creating those streams switches
// pipes to non-blocking mode, and the program would then see EAGAIN from
// reads and writes that a native program's blocking descriptors never give.
import { writeSync } from 'node:fs';
import { opendir, readFile, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
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

// Preopens. wasi-libc (what C, C++ and Rust programs use) keeps its own
// working directory, which starts as "/": a relative path "a/b" becomes
// "/a/b". It then strips the leading "/" (and "./") from that path and from
// every preopen's name, and opens the path under the preopen with the longest
// matching name, whole components only; "." and "/" both become "", which
// matches everything. So a guest cannot tell "/x" from "x", and preopening
// both "/" and "." would send every path to whichever came last.
//
// What works instead: "." maps to our current directory and catches every
// path (so "x" and "./x" behave as natively); "..", "../..", ... map to its
// ancestors, so "../x" works too (Node's WASI would refuse to leave "."); and
// each top-level directory of the host ("/etc", "/tmp", "/usr", ...) is
// preopened under its own name, so absolute paths win through the longer
// match. Where the current directory has an entry with the same name as a
// top-level directory (say ./lib and /lib), the relative one wins: "lib/x" is
// the usual way to name a file on a command line. What remains: an absolute
// path that no preopen covers (a file directly in "/", a directory we cannot
// open) is looked up under "." instead, and a symlink cannot lead out of the
// preopen it is in.
// uvwasi opens every preopen up front and fails as a whole if one of them
// cannot be opened (say /root for a user): offer only those that open.
async function openable(dir) {
  try {
    await (await opendir(dir)).close();
    return true;
  } catch {
    return false;
  }
}

async function preopens() {
  const candidates = [];
  let cwd = '/';
  let here = new Set();
  try {
    cwd = process.cwd();
    here = new Set(await readdir(cwd));
    candidates.push(['.', cwd]); // first, so fd 3 is "." as with wasmtime --dir=.
    let up = '..';
    for (let dir = cwd; dir !== '/'; dir = dirname(dir), up += '/..') {
      candidates.push([up, dirname(dir)]);
    }
  } catch {
    // No usable current directory: absolute paths still work.
  }
  for (const entry of await readdir('/', { withFileTypes: true })) {
    const maybeDir = entry.isDirectory() || entry.isSymbolicLink();
    if (maybeDir && (cwd === '/' || !here.has(entry.name))) {
      candidates.push([`/${entry.name}`, `/${entry.name}`]);
    }
  }
  const dirs = {};
  for (const [name, dir] of candidates) {
    if (await openable(dir)) dirs[name] = dir;
  }
  return dirs;
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
    env: process.env,
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
