// wat2component.mjs NPM_PREFIX INPUT.wat OUTPUT.wasm
//
// Turns a WebAssembly component written in the text format into its binary,
// with wasm-tools' parser as the Bytecode Alliance's jco project builds it for
// JavaScript (npm package @bytecodealliance/jco-transpile, installed under
// NPM_PREFIX by the build). wat2wasm knows core modules only.
import { createRequire } from 'node:module';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [prefix, input, output] = process.argv.slice(2);
if (output === undefined) {
  console.error('usage: wat2component.mjs NPM_PREFIX INPUT.wat OUTPUT.wasm');
  process.exit(2);
}

const require = createRequire(join(prefix, 'package.json'));
const tools = require.resolve('@bytecodealliance/jco-transpile/wasm-tools');
const { parse } = await import(pathToFileURL(tools).href);

const binary = await parse(await readFile(input, 'utf8'));
// A component's preamble: magic, then version 0x0d and layer 1.
const preamble = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
if (!preamble.every((byte, i) => binary[i] === byte)) {
  console.error(`wat2component.mjs: ${input}: the result is not a component`);
  process.exit(1);
}
// Write beside the target and rename, so a failed run leaves no partial file.
await writeFile(`${output}.tmp`, binary);
await rename(`${output}.tmp`, output);
