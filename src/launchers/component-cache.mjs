// component-cache.mjs: the per-user cache of transpiled WebAssembly
// components, for component-run.mjs. Transpiling with jco costs a second or
// two per exec (jco's transpiler is itself a large component); an entry
// keeps its output (core modules and glue) so later execs skip it.
//
// Where: <cache>/scarlet-dispatch/components/, <cache> being XDG_CACHE_HOME
// when it is an absolute, existing directory of the caller's, else
// ~/.cache of the caller's passwd home (never $HOME, which under sudo or su
// is often someone else's); the same rule as scarlet/user_cache.h. No home
// of the caller's: no cache, the component is transpiled every time.
//
// An entry is a directory named by the SHA-256 of the component's SHA-256
// and the runtime's identity (Node's version, jco's and the WASI shim's), so
// a new Node or jco never reuses an old entry. It holds the transpiled files
// and manifest.json: its format, the component's hash, the runtime, and each
// file's size and SHA-256. It is written in a temporary directory and renamed
// into place, so a crash leaves no entry or a whole one; on use, every file
// is checked against the manifest, and an entry that fails (torn, edited,
// another runtime's) is removed and rebuilt, never used.
//
// Bounded: after storing, the least recently used entries (the manifest's
// mtime, touched on every hit) are removed until the whole is at most
// SCARLET_CACHE_MAX_MB mebibytes (default 128); temporary directories left
// by a crash are removed after ten minutes. `scarlet-dispatch cache` lists
// and drops entries. SCARLET_CACHE_TRACE=1 says what happened on stderr.
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';

const kFormat = 1;
const kTempAge = 10 * 60 * 1000;

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

export function trace(message) {
  if (process.env.SCARLET_CACHE_TRACE === '1') writeSync(2, `scarlet-wasi-component: ${message}\n`);
}

function ownDir(path, uid) {
  try {
    const st = statSync(path);
    return st.isDirectory() && st.uid === uid;
  } catch (e) {
    return e.code === 'ENOENT' ? null : false;
  }
}

// The caller's component cache directory (made 0700 if missing), or null.
export function cacheDir() {
  const uid = process.getuid();
  let base;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg?.startsWith('/') && ownDir(xdg, uid) === true) {
    base = xdg;
  } else {
    let home;
    try {
      home = userInfo().homedir;  // getpwuid, not $HOME
    } catch {
      home = undefined;
    }
    if (!home?.startsWith('/') || ownDir(home, uid) !== true) {
      trace(`no cache: uid ${uid} has no home directory of its own`);
      return null;
    }
    base = join(home, '.cache');
  }
  const dir = join(base, 'scarlet-dispatch', 'components');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    trace(`no cache: cannot make ${dir} (${e.message})`);
    return null;
  }
  // Ours and real directories, not links: glue read from here runs as the
  // caller, so no one else may be able to point it elsewhere.
  for (const d of [join(base, 'scarlet-dispatch'), dir]) {
    let st;
    try {
      st = lstatSync(d);
    } catch {
      st = null;
    }
    if (!st?.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
      trace(`no cache: ${d} is not a directory of the caller's alone`);
      return null;
    }
  }
  return dir;
}

// What decides whether a transpiled form still fits: Node's version and the
// versions of the npm packages that made and run it.
// `nodeModules`: where component-run.mjs loads them from.
export function runtimeIdentity(nodeModules) {
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(nodeModules, name, 'package.json'), 'utf8')).version;
    } catch {
      return 'unknown';
    }
  };
  return `node ${process.version}; @bytecodealliance/jco-transpile ${version('@bytecodealliance/jco-transpile')}; ` +
         `@bytecodealliance/preview2-shim ${version('@bytecodealliance/preview2-shim')}; cache format ${kFormat}`;
}

export function entryName(componentHash, runtime) {
  return sha256(`${componentHash}\n${runtime}`);
}

// The files of a valid entry, or null (a missing entry, or an invalid one,
// which is removed so that it is rebuilt).
export async function lookup(dir, name, componentHash, runtime) {
  const entry = join(dir, name);
  let manifest;
  try {
    manifest = JSON.parse(await readFile(join(entry, 'manifest.json'), 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') {
      trace(`cache miss ${entry}`);
      return null;
    }
    return invalid(entry, `its manifest cannot be read (${e.message})`);
  }
  if (manifest?.format !== kFormat || manifest.component_sha256 !== componentHash || manifest.runtime !== runtime ||
      typeof manifest.files !== 'object' || manifest.files === null || !Object.hasOwn(manifest.files, 'component.js')) {
    return invalid(entry, 'its manifest is not this component and runtime\'s');
  }
  const files = {};
  for (const [file, want] of Object.entries(manifest.files)) {
    if (file.includes('/') || file.startsWith('.')) return invalid(entry, `it names the file ${file}`);
    let bytes;
    try {
      bytes = await readFile(join(entry, file));
    } catch (e) {
      return invalid(entry, `${file} cannot be read (${e.code ?? e.message})`);
    }
    if (bytes.length !== want?.size || sha256(bytes) !== want?.sha256) return invalid(entry, `${file} does not match its manifest`);
    files[file] = bytes;
  }
  const now = new Date();
  await utimes(join(entry, 'manifest.json'), now, now).catch(() => {});  // recently used
  trace(`cache hit ${entry}`);
  return files;
}

async function invalid(entry, why) {
  trace(`cache entry ${entry} is invalid (${why}): rebuilt`);
  await rm(entry, { recursive: true, force: true }).catch(() => {});
  return null;
}

export function maxBytes() {
  const mb = Number(process.env.SCARLET_CACHE_MAX_MB ?? '128');
  return (Number.isFinite(mb) && mb >= 0 ? mb : 128) * 1024 * 1024;
}

// Stores `files` as entry `name`, atomically; then evicts. Failures only
// cost the cache, never the run.
export async function store(dir, name, componentHash, runtime, source, files) {
  const manifest = { format: kFormat, component_sha256: componentHash, runtime, source, files: {} };
  // What running needs: the glue and its core modules (not the TypeScript
  // declarations jco writes beside them).
  const kept = Object.entries(files).filter(([file]) => file === 'component.js' || (/^[^/]+\.wasm$/.test(file)));
  let size = 0;
  for (const [file, bytes] of kept) {
    manifest.files[file] = { size: bytes.length, sha256: sha256(bytes) };
    size += bytes.length;
  }
  const limit = maxBytes();
  if (size > limit) {
    trace(`not cached: ${size} bytes is more than the cache holds (${limit})`);
    return;
  }
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(temp, { mode: 0o700 });
    for (const [file, bytes] of kept) await writeFile(join(temp, file), bytes, { mode: 0o600 });
    await writeFile(join(temp, 'manifest.json'), JSON.stringify(manifest), { mode: 0o600 });  // last: the entry is whole
    await rename(temp, join(dir, name));
    trace(`cache stored ${join(dir, name)}`);
  } catch (e) {
    // ENOTEMPTY or EEXIST: another exec stored the same entry first.
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') trace(`not cached: ${e.message}`);
  }
  await evict(dir, limit);
}

async function entrySize(entry) {
  let total = 0;
  for (const file of await readdir(entry).catch(() => [])) total += (await stat(join(entry, file)).catch(() => ({ size: 0 }))).size;
  return total;
}

export async function evict(dir, limit) {
  const entries = [];
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [])) {
    const path = join(dir, name);
    if (name.startsWith('.tmp-')) {
      const st = await stat(path).catch(() => null);
      if (st && now - st.mtimeMs > kTempAge) await rm(path, { recursive: true, force: true }).catch(() => {});
      continue;
    }
    const st = await stat(join(path, 'manifest.json')).catch(() => null);
    entries.push({ path, used: st ? st.mtimeMs : 0, size: await entrySize(path) });
  }
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  entries.sort((a, b) => a.used - b.used);
  for (const e of entries) {
    if (total <= limit) break;
    trace(`cache evicted ${e.path}`);
    await rm(e.path, { recursive: true, force: true }).catch(() => {});
    total -= e.size;
  }
}
