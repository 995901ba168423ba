// component-process.cjs: node:process as jco's WASI shim sees it in
// component-run.cjs (the bundle maps the shim's imports of node:process
// here; see CMakeLists.txt): the process object, but for its stdout and
// stderr, which write with fs.writeSync until a write cannot be made so.
//
// Why: a program's first require of a built-in module goes through Node's
// ES module facade, which reads every export once. For node:process that
// reads process.stdin, stdout and stderr, making a stream for each (for a
// pipe: a net.Socket, with net and its streams), and process.report, before
// the shim wrote a byte. Debian's Node 18 compiles each built-in module it
// loads at every start (no code cache): those were 2 ms of a cached exec
// there, and a pipe's stream 3 more (docs/benchmarks.md, section 7). The
// shim writes a component's standard output and error on the main thread,
// each write whole (wasi:io's blocking-write-and-flush; its write() is the
// same for these two), so a synchronous write is what it asks for.
//
// What a write does, so that everything a component sees stays as before:
// - written whole, at once: no stream is made at all;
// - the reader has gone (EPIPE): the end a native program meets, SIGPIPE's
//   status and no word, as component-run.mjs ends on the stream's EPIPE;
// - anything else (EAGAIN on a non-blocking descriptor somebody else set,
//   EBADF on a closed one, ...): the rest of this write and every later one
//   go to process.stdout or process.stderr, Node's stream, as before: it
//   waits for a descriptor that would block and flushes before exit, and
//   drops what a closed one cannot take.
//
// CommonJS, not an ES module: esbuild reads a CommonJS module's named
// imports as properties at each use (`import_x.stdout`), where an ES
// module's exports are bound once, when this file runs; and the process
// object's other properties (env, argv, exit, hrtime, ...) are read through
// the prototype when the shim uses them.
const { writeSync } = require('node:fs');

function writer(fd, name) {
  let stream = null;  // Node's own, once a write could not be made here
  return {
    write(data) {
      let done = 0;
      if (stream === null) {
        try {
          while (done < data.length) done += writeSync(fd, data, done, data.length - done);
          return true;
        } catch (e) {
          if (e.code === 'EPIPE') process.exit(128 + 13);
          stream = process[name];
        }
      }
      return stream.write(done === 0 ? data : data.subarray(done));
    },
  };
}

module.exports = Object.create(process, {
  stdout: { value: writer(1, 'stdout'), enumerable: true },
  stderr: { value: writer(2, 'stderr'), enumerable: true },
});
