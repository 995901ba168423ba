// component-http.mjs: node:http as jco's WASI shim sees it in
// component-run.cjs (the bundle maps the shim's imports of node:http here;
// see CMakeLists.txt): the two header validators its wasi:http
// (dist/nodejs/http.js) takes from node:http when loaded, loading node:http
// when first called.
//
// Why: node:http brings net, streams and the HTTP parser with it, for a
// component that makes no HTTP request; Debian's Node 18 compiles each of
// its built-in modules at every start (no code cache), and those cost 7 ms
// of a cached exec there (docs/benchmarks.md, section 7). Should the shim
// take anything else from node:http, the build fails (an import esbuild
// finds no export for is an error there), rather than the shim getting
// undefined.
import { createRequire } from 'node:module';

// Any file will do for a built-in module (import.meta.url is the shim's
// dist/io/worker-io.js in the bundle).
const require = createRequire(import.meta.url);

export function validateHeaderName(...args) {
  return require('http').validateHeaderName(...args);
}

export function validateHeaderValue(...args) {
  return require('http').validateHeaderValue(...args);
}
