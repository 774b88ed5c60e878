// duralava in a browser (docs/web.md): loads duralava.wasm — the runtime's Swift and C built
// for WebAssembly from the same sources as the desktop and board lamps — and the int8 model,
// then shows the lamp on a canvas at the display's refresh (requestAnimationFrame), one model
// step per 1/rate seconds and frames generated from the interpolated latent in between. Plain
// JavaScript, no framework; the same file runs under node for the tests (Duralava.instantiate).
'use strict';
(function (global) {
  const encoder = new TextEncoder(), decoder = new TextDecoder();

  /// The few WASI calls wasi-libc makes: stdout/stderr lines go to `log`, random bytes come
  /// from crypto, the environment is empty, exit throws.
  function wasiImports(memory, log) {
    const pending = ['', '', ''];
    const view = () => new DataView(memory().buffer);
    return {
      wasi_snapshot_preview1: {
        fd_write(fd, iovs, count, written) {
          const dv = view(), bytes = new Uint8Array(memory().buffer);
          let n = 0, text = '';
          for (let i = 0; i < count; i++) {
            const p = dv.getUint32(iovs + 8 * i, true), len = dv.getUint32(iovs + 8 * i + 4, true);
            text += decoder.decode(bytes.subarray(p, p + len));
            n += len;
          }
          const k = fd === 1 ? 1 : 2;
          const lines = (pending[k] + text).split('\n');
          pending[k] = lines.pop();
          for (const line of lines) log(line, fd);
          dv.setUint32(written, n, true);
          return 0;
        },
        fd_close() { return 0; },
        fd_seek() { return 70; },   // ESPIPE: the page has no files
        environ_sizes_get(count, size) { const dv = view(); dv.setUint32(count, 0, true); dv.setUint32(size, 0, true); return 0; },
        environ_get() { return 0; },
        random_get(p, n) {
          for (let o = 0; o < n; o += 65536) global.crypto.getRandomValues(new Uint8Array(memory().buffer, p + o, Math.min(65536, n - o)));
          return 0;
        },
        proc_exit(code) { throw new Error('duralava.wasm exited with status ' + code); },
      },
    };
  }

  /// The runtime in `wasmBytes` as a small API; `log(line, fd)` receives its stderr lines.
  async function instantiate(wasmBytes, log) {
    let memory = null;
    const { instance } = await WebAssembly.instantiate(wasmBytes, wasiImports(() => memory, log || (() => {})));
    const x = instance.exports;
    memory = x.memory;
    const withBytes = (bytes, f) => {
      const p = x.dl_web_alloc(Math.max(bytes.length, 1));
      new Uint8Array(memory.buffer, p, bytes.length).set(bytes);
      try { return f(p, bytes.length); } finally { x.dl_web_free(p); }
    };
    const withText = (text, f) => withBytes(encoder.encode(text), f);
    const cString = (p) => {
      const bytes = new Uint8Array(memory.buffer);
      let end = p;
      while (bytes[end] !== 0) end++;
      return decoder.decode(bytes.subarray(p, end));
    };
    const error = () => cString(x.dl_web_error());
    let rgbaView = null;
    return {
      exports: x,
      memory,
      /// Starts the lamp of a model file's bytes; null, or the runtime's one-line error.
      load(bytes, name, seed, minutes) {
        const status = withBytes(bytes, (p, n) => withText(name, (q, m) => x.dl_web_load(p, n, q, m, seed, minutes)));
        return status === 0 ? null : error();
      },
      /// The owner's controls ({palette, hue, brightness, night, nightBrightness}); null or the error.
      setControls(c, minutes) {
        const status = withText(c.palette, (p, n) => withText(c.night || '', (q, m) =>
          x.dl_web_set_controls(p, n, c.hue, c.brightness, q, m, c.nightBrightness, minutes)));
        return status === 0 ? null : error();
      },
      key(code, now, minutes) { return x.dl_web_key(code, now, minutes); },
      note(text, now) { withText(text, (p, n) => x.dl_web_note(p, n, now)); },
      colours(minutes) { x.dl_web_colours(minutes); },
      get width() { return x.dl_web_width(); },
      get height() { return x.dl_web_height(); },
      get isInt8() { return x.dl_web_is_int8() === 1; },
      get isTrained() { return x.dl_web_is_trained() === 1; },
      get steps() { return x.dl_web_steps(); },
      get speed() { return x.dl_web_speed(); },
      advance() { x.dl_web_advance(); },
      reseed() { x.dl_web_reseed(); },
      /// The display frame at `phase` as RGBA bytes (a view into the module's memory, valid
      /// until the next call).
      render(phase, now) {
        const p = x.dl_web_render(phase, now), n = x.dl_web_width() * x.dl_web_height() * 4;
        if (!rgbaView || rgbaView.buffer !== memory.buffer || rgbaView.byteOffset !== p || rgbaView.length !== n) {
          rgbaView = new Uint8ClampedArray(memory.buffer, p, n);
        }
        return rgbaView;
      },
      /// The lamp's own frame at the current step (phase 0, no controls), RGB, copied.
      stepFrame() {
        const p = x.dl_web_step_frame(), n = x.dl_web_width() * x.dl_web_height() * 3;
        return new Uint8Array(memory.buffer, p, n).slice();
      },
      get level() { return cString(x.dl_web_level_name()); },
      /// 0: portable C; anything else: the best level of this build (simd128).
      useLevel(level) { x.dl_web_use_level(level); return cString(x.dl_web_level_name()); },
      selftest() { const failures = x.dl_web_selftest(); return { checks: x.dl_web_selftest_checks(), failures }; },
      get allocations() { return x.dl_web_allocations(); },
    };
  }

  global.Duralava = { instantiate };
  if (typeof document === 'undefined') return;

  // ---- the page ----------------------------------------------------------------------

  const params = new URLSearchParams(global.location.search);
  const number = (name, fallback) => (params.has(name) ? Number(params.get(name)) : fallback);
  const options = {
    rate: number('rate', 5),
    seed: number('seed', 1),
    palette: params.get('palette') || 'original',
    hue: number('hue', 0),
    brightness: number('brightness', 1),
    night: params.get('night') || '',
    nightBrightness: number('night-brightness', 0.2),
    model: params.get('model') || 'default-int8.safetensors',
    testFrames: number('test', 0),
  };
  const canvas = document.getElementById('lamp');
  const context = canvas.getContext('2d');
  const errorLine = document.getElementById('error');
  const help = document.getElementById('help');
  /// What the tests read (docs/web.md): state, the first step frames, timings.
  const hook = (global.duralava = { ready: false, error: null, frames: [], renders: 0 });

  const minutesNow = () => { const d = new Date(); return d.getHours() * 60 + d.getMinutes(); };
  const seconds = () => performance.now() / 1000;
  function showError(text) {
    hook.error = text;
    errorLine.textContent = text;
    errorLine.hidden = !text;
  }
  function fit() {
    const w = canvas.width, h = canvas.height;
    const s = Math.min(global.innerWidth / w, global.innerHeight / h);
    canvas.style.width = Math.floor(w * s) + 'px';
    canvas.style.height = Math.floor(h * s) + 'px';
  }
  function base64Bytes(text) {
    const s = atob(text), out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  async function fetchBytes(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(url + ': ' + response.status + ' ' + response.statusText);
    return new Uint8Array(await response.arrayBuffer());
  }

  let lamp = null, stepPeriod = 1 / options.rate, stepStart = 0, paused = false, pausedAt = 0, colourMinute = -1;

  /// Starts the lamp of `bytes`; false (and the error on the page) for a bad file.
  function start(bytes, name) {
    const failure = lamp.load(bytes, name, options.seed, minutesNow());
    if (failure) { showError(failure); return false; }
    showError(null);
    canvas.width = lamp.width;
    canvas.height = lamp.height;
    fit();
    if (!lamp.isTrained) lamp.note('UNTRAINED', seconds());
    stepStart = seconds();
    return true;
  }

  function frame() {
    global.requestAnimationFrame(frame);
    if (paused || document.hidden) return;
    const now = seconds();
    while (now - stepStart >= stepPeriod) {
      lamp.advance();
      stepStart += stepPeriod;
      // A long stall (a background tab, a suspended machine) resynchronises, as on the desktop.
      if (now - stepStart > 10 * stepPeriod) stepStart = now;
    }
    const minute = minutesNow();
    if (minute !== colourMinute) { lamp.colours(minute); colourMinute = minute; }
    show((now - stepStart) / stepPeriod, now);
    hook.renders++;
  }

  /// The display frame at `phase` on the canvas.
  function show(phase, now) {
    context.putImageData(new ImageData(lamp.render(Math.min(phase, 1), now), lamp.width, lamp.height), 0, 0);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  }
  function setPaused(on) {
    if (on === paused) return;
    paused = on;
    if (paused) pausedAt = seconds(); else stepStart += seconds() - pausedAt;
  }
  function screenshot() {
    // The lamp at 8× its size, smoothly scaled, as a PNG download.
    const big = document.createElement('canvas');
    big.width = canvas.width * 8; big.height = canvas.height * 8;
    const c = big.getContext('2d');
    c.imageSmoothingEnabled = true; c.imageSmoothingQuality = 'high';
    c.drawImage(canvas, 0, 0, big.width, big.height);
    const a = document.createElement('a');
    a.download = 'duralava-' + String(lamp.steps).padStart(6, '0') + '.png';
    a.href = big.toDataURL('image/png');
    a.click();
  }
  const controlKeys = { '+': 1, '=': 1, '-': 2, '_': 2, c: 3, ']': 4, '[': 5 };
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const k = event.key;
    if (k in controlKeys) {
      const speed = lamp.key(controlKeys[k], seconds(), minutesNow());
      const now = seconds(), phase = Math.min((now - stepStart) / stepPeriod, 1);
      stepPeriod = 1 / (options.rate * speed);
      stepStart = now - phase * stepPeriod;   // the picture does not jump
    } else if (k === 'f') toggleFullscreen();
    else if (k === ' ') {
      setPaused(!paused);
      lamp.note(paused ? 'PAUSED' : 'PLAY', seconds());
      if (paused) show((pausedAt - stepStart) / stepPeriod, seconds());   // the note on the still lamp
    }
    else if (k === 'r') { lamp.reseed(); stepStart = seconds(); }
    else if (k === 's') screenshot();
    else if (k === 'h' || k === '?') showHelp();
    else return;
    event.preventDefault();
  }
  let helpTimer = 0;
  function showHelp() {
    help.hidden = false;
    clearTimeout(helpTimer);
    helpTimer = setTimeout(() => { help.hidden = true; }, 6000);
  }

  async function main() {
    try {
      const inline = global.DURALAVA_INLINE;
      const wasm = inline ? base64Bytes(inline.wasm) : await fetchBytes('duralava.wasm');
      lamp = await instantiate(wasm, (line) => console.log(line));
      hook.level = lamp.level;
      // The URL's options, checked as the desktop checks its own (one line on the page).
      if (!(options.rate >= 0.001 && options.rate <= 1000)) throw new Error('rate ' + params.get('rate') + ': expected a number in 0.001...1000');
      if (!(Number.isSafeInteger(options.seed) && options.seed >= 0)) throw new Error('seed ' + params.get('seed') + ': expected a non-negative integer');
      if (!(Number.isSafeInteger(options.testFrames) && options.testFrames >= 0)) throw new Error('test ' + params.get('test') + ': expected a number of frames');
      const controlsError = lamp.setControls(options, minutesNow());
      if (controlsError) { showError(controlsError.replace(/^--/, '')); hook.ready = true; return; }
      const model = inline ? base64Bytes(inline.model) : await fetchBytes(options.model);
      if (!start(model, options.model.split('/').pop())) { hook.ready = true; return; }
      hook.width = lamp.width; hook.height = lamp.height; hook.int8 = lamp.isInt8;
      // The test hook: the first N step frames of this lamp, as `duralava render` writes them.
      for (let i = 0; i < options.testFrames; i++) {
        hook.frames.push(btoa(String.fromCharCode.apply(null, lamp.stepFrame())));
        lamp.advance();
      }
      stepStart = seconds();
      hook.ready = true;
      document.addEventListener('keydown', onKey);
      canvas.addEventListener('click', toggleFullscreen);
      global.addEventListener('resize', fit);
      document.addEventListener('visibilitychange', () => {
        // Hidden: nothing runs (requestAnimationFrame stops too); back: the lamp goes on where it was.
        if (document.hidden) { hook.hiddenAt = seconds(); } else if (hook.hiddenAt !== undefined) { stepStart += seconds() - hook.hiddenAt; }
      });
      document.addEventListener('dragover', (e) => { e.preventDefault(); });
      document.addEventListener('drop', async (e) => {
        e.preventDefault();
        const file = e.dataTransfer && e.dataTransfer.files[0];
        if (file) start(new Uint8Array(await file.arrayBuffer()), file.name);
      });
      showHelp();
      global.requestAnimationFrame(frame);
    } catch (e) {
      showError(String(e && e.message ? e.message : e));
      hook.ready = true;
    }
  }
  /// The cost of one display frame (a generator run at an in-between phase, the controls'
  /// colours, RGBA) in milliseconds, timed over ten batches of n/10 frames (the clock of a page
  /// is coarse): the median batch's and the best batch's time per frame (docs/web.md's figures).
  hook.bench = (n) => {
    const batch = Math.max(1, Math.floor(n / 10)), perFrame = [];
    for (let b = 0; b < 10; b++) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) lamp.render(0.5, 0);
      perFrame.push((performance.now() - t0) / batch);
    }
    perFrame.sort((a, b) => a - b);
    return { median: perFrame[5], best: perFrame[0], level: lamp.level, int8: lamp.isInt8 };
  };
  main();
})(globalThis);
