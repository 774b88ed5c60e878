// The browser build's runtime (out/web/duralava.wasm) under node, through the page's own loader
// (Runtime/Web/lamp.js), for Tests/RuntimeTests/WebTests.swift (docs/web.md). One JSON line on
// stdout per command:
//   node node-check.js WASM selftest                       the kernels at each level against the reference ones
//   node node-check.js WASM frames MODEL SEED STEPS OUT    the first STEPS step frames (RGB) into OUT
//   node node-check.js WASM error FILE                     the one-line error for a model file
//   node node-check.js WASM allocations MODEL FRAMES       allocations and memory over FRAMES display frames
//   node node-check.js WASM bench MODEL FRAMES             milliseconds per display frame at each level
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
if (!globalThis.crypto) globalThis.crypto = require('crypto').webcrypto;
vm.runInThisContext(fs.readFileSync(path.join(__dirname, '../../Runtime/Web/lamp.js'), 'utf8'));

async function main() {
  const [wasmPath, command, ...args] = process.argv.slice(2);
  const stderr = [];
  const lamp = await globalThis.Duralava.instantiate(fs.readFileSync(wasmPath), (line) => stderr.push(line));
  const load = (file, seed) => {
    const failure = lamp.load(fs.readFileSync(file), file, seed, 12 * 60);
    if (failure) throw new Error(failure);
  };
  let result;
  switch (command) {
    case 'selftest': {
      result = { levels: [] };
      for (const level of [0, 1]) {
        const name = lamp.useLevel(level);
        const r = lamp.selftest();
        result.levels.push({ level: name, checks: r.checks, failures: r.failures });
      }
      result.stderr = stderr;
      break;
    }
    case 'frames': {
      const [model, seed, steps, out] = args;
      load(model, Number(seed));
      const frames = [];
      for (let i = 0; i < Number(steps); i++) { frames.push(lamp.stepFrame()); lamp.advance(); }
      fs.writeFileSync(out, Buffer.concat(frames.map((f) => Buffer.from(f))));
      result = { width: lamp.width, height: lamp.height, int8: lamp.isInt8, level: lamp.level, frames: frames.length };
      break;
    }
    case 'error': {
      result = { error: lamp.load(fs.readFileSync(args[0]), args[0], 1, 0) };
      break;
    }
    case 'allocations': {
      const [model, count] = args;
      load(model, 1);
      const frame = (i) => { if (i % 4 === 0) lamp.advance(); lamp.render((i % 4) / 4, i / 120); };
      lamp.key(3, 0, 0);                        // a palette change: its note shows for 2 s (240 frames)
      for (let i = 0; i < 100; i++) frame(i);   // warm up (a first note draws its glyph table)
      const allocations = lamp.allocations, bytes = lamp.memory.buffer.byteLength;
      for (let i = 100; i < 100 + Number(count); i++) frame(i);
      result = { frames: Number(count), allocations: lamp.allocations - allocations, memoryBefore: bytes,
                 memoryAfter: lamp.memory.buffer.byteLength };
      break;
    }
    case 'bench': {
      const [model, count] = args;
      load(model, 1);
      result = { levels: [] };
      for (const level of [0, 1]) {
        const name = lamp.useLevel(level);
        for (let i = 0; i < 20; i++) lamp.render(0.5, 0);
        // Ten batches: the median batch's and the best batch's time per frame (a shared
        // machine's other work only ever adds time).
        const batch = Math.max(1, Math.floor(Number(count) / 10)), perFrame = [];
        for (let b = 0; b < 10; b++) {
          const t0 = process.hrtime.bigint();
          for (let i = 0; i < batch; i++) lamp.render(0.5, 0);
          perFrame.push(Number(process.hrtime.bigint() - t0) / 1e6 / batch);
        }
        perFrame.sort((a, b) => a - b);
        result.levels.push({ level: name, msPerFrame: perFrame[5], bestMsPerFrame: perFrame[0] });
      }
      result.int8 = lamp.isInt8;
      result.wasmBytes = fs.statSync(wasmPath).size;
      break;
    }
    default:
      throw new Error('unknown command ' + command);
  }
  console.log(JSON.stringify(result));
}
main().catch((e) => { console.error('node-check: error: ' + e.message); process.exit(1); });
