// component-threads.mjs: node:worker_threads as jco's WASI shim sees it in
// component-run.cjs (the bundle maps the shim's imports of
// node:worker_threads here; see CMakeLists.txt), the same but for one thing:
// its Worker starts the thread when the first message is posted to it, not
// when it is made.
//
// Why: the shim makes its I/O worker (a second Node environment, its thread
// running worker-thread.bundle.js) when it is loaded, and needs it only for
// calls its main thread cannot make itself (files, sockets, polls, stdin,
// HTTP); a command that writes its standard output and ends never posts one.
// Starting that environment, and stopping it again at exit, cost 30 ms of a
// 100 ms exec on this machine (docs/benchmarks.md, section 7). A worker
// started on the first message is the same worker: the caller waits on
// Atomics for its answer either way, and messages posted before a worker's
// thread runs wait for it.
//
// Only what the shim uses of a main-thread Worker is here (on, unref,
// postMessage; synckit in dist/synckit/index.js); the rest of the module is
// Node's own. Imported as 'worker_threads', not 'node:worker_threads', so
// that the bundle's mapping does not send this module to itself.
import * as threads from 'worker_threads';

export const { MessageChannel, receiveMessageOnPort, workerData, parentPort, isMainThread, threadId } = threads;

export class Worker {
  #args;
  #thread = null;
  #listeners = [];
  #unref = false;

  constructor(...args) {
    this.#args = args;
  }

  #start() {
    if (this.#thread === null) {
      this.#thread = new threads.Worker(...this.#args);
      for (const [event, listener] of this.#listeners) this.#thread.on(event, listener);
      if (this.#unref) this.#thread.unref();
    }
    return this.#thread;
  }

  on(event, listener) {
    if (this.#thread === null) this.#listeners.push([event, listener]);
    else this.#thread.on(event, listener);
    return this;
  }

  unref() {
    if (this.#thread === null) this.#unref = true;
    else this.#thread.unref();
  }

  postMessage(...args) {
    this.#start().postMessage(...args);
  }
}
