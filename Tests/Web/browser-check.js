// The page (out/web) in headless Chromium, for Tests/RuntimeTests/WebTests.swift (docs/web.md):
// serves the folder itself on 127.0.0.1 (loopback only, a free port), starts Chromium with the
// DevTools protocol on a pipe (no network port, no WebSocket library), opens the page with a
// test hook (?test=N&seed=S: the page keeps its first N step frames), waits for the lamp, takes
// screenshots at wall-clock times, times display frames, drops a bad file on the page, opens
// the one-file lamp.html from disk, and prints one JSON line:
//   node browser-check.js CHROMIUM WEBDIR FRAMES SEED SCREENSHOT.png [DOCS.png]
// DOCS.png, if given: the lamp alone (no help note) after 3 seconds, for docs/ and the README.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const [chromium, webDir, frameCount, seed, screenshotPath, docsScreenshot] = process.argv.slice(2);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.safetensors': 'application/octet-stream' };

function serve() {
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const root = path.resolve(webDir), file = path.resolve(root, name);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/// Chromium's DevTools protocol over --remote-debugging-pipe: JSON messages separated by NUL
/// bytes, commands on fd 3, replies and events on fd 4.
function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duralava-chromium-'));
  const child = spawn(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe',
    '--no-proxy-server', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--mute-audio',
    '--user-data-dir=' + profile, '--window-size=640,480', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  let nextId = 1, buffer = '';
  const waiting = new Map(), listeners = [];
  child.stdio[4].on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.id && waiting.has(message.id)) {
        const { resolve, reject } = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) reject(new Error(JSON.stringify(message.error))); else resolve(message.result);
      } else {
        for (const l of listeners) l(message);
      }
    }
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    child.stdio[3].write(JSON.stringify(message) + '\0');
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const close = async () => {
    // Chromium and the helper processes it started (its own process group).
    try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { child.kill('SIGKILL'); }
    await exited;
    try { fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }); } catch (e) { /* a helper's late write; the folder is in tmp */ }
  };
  return { send, listeners, close, stderr: () => stderr };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const server = await serve();
  const browser = launch();
  const watchdog = setTimeout(() => { console.error('browser-check: error: timed out'); browser.close(); process.exit(1); }, 60000);
  try {
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
    const page = (method, params) => browser.send(method, params, sessionId);
    const console_ = [];
    browser.listeners.push((m) => {
      if (m.method === 'Runtime.consoleAPICalled') console_.push(m.params.args.map((a) => a.value).join(' '));
      if (m.method === 'Runtime.exceptionThrown') console_.push('exception: ' + JSON.stringify(m.params.exceptionDetails.exception || m.params.exceptionDetails.text));
    });
    await page('Runtime.enable');
    await page('Page.enable');
    const evaluate = async (expression) => {
      const r = await page('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(expression + ': ' + JSON.stringify(r.exceptionDetails));
      return r.result.value;
    };
    const url = `http://127.0.0.1:${server.address().port}/index.html?test=${frameCount}&seed=${seed}`;
    const navigation = await page('Page.navigate', { url });
    if (navigation.errorText) throw new Error(url + ': ' + navigation.errorText);
    let ready = false;
    for (let i = 0; i < 200 && !ready; i++) {
      await sleep(100);
      ready = await evaluate('!!(window.duralava && window.duralava.ready)').catch(() => false);
    }
    if (!ready) throw new Error('the page never became ready: ' + JSON.stringify(await evaluate('({href: location.href, state: document.readyState, hook: window.duralava ? JSON.stringify(window.duralava) : null, error: document.getElementById("error") && document.getElementById("error").textContent})').catch((e) => e.message)) + '; console: ' + console_.join(' | '));
    const state = await evaluate('({error: duralava.error, level: duralava.level, width: duralava.width, height: duralava.height, int8: duralava.int8, frames: duralava.frames})');
    // The canvas at two wall-clock moments: pixels (lamp resolution) and screenshots.
    const canvasPixels = `(() => { const c = document.getElementById('lamp');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let s = ''; for (let i = 0; i < d.length; i += 4) s += String.fromCharCode(d[i], d[i + 1], d[i + 2]); return btoa(s); })()`;
    await sleep(500);
    const first = await evaluate(canvasPixels);
    const shot = await page('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(screenshotPath, Buffer.from(shot.data, 'base64'));
    await sleep(2500);
    const second = await evaluate(canvasPixels);
    const renders = await evaluate('duralava.renders');
    const bench = await evaluate('duralava.bench(400)');
    // A bad file dropped on the page: the runtime's one-line error, shown; the lamp goes on.
    const dropped = await evaluate(`(async () => {
        const t = new DataTransfer();
        t.items.add(new File([new TextEncoder().encode('not a model at all')], 'bad.safetensors'));
        document.dispatchEvent(new DragEvent('drop', { dataTransfer: t, bubbles: true, cancelable: true }));
        for (let i = 0; i < 50 && !duralava.error; i++) await new Promise((r) => setTimeout(r, 20));
        const e = document.getElementById('error');
        return { error: duralava.error, shown: !e.hidden ? e.textContent : null };
      })()`);
    const rendersAfterDrop = await evaluate('new Promise((r) => { const n = duralava.renders; setTimeout(() => r(duralava.renders - n), 500); })');
    // URL options: the ocean palette (blue where the original is red), and a wrong one's error.
    const openPage = async (url) => {
      const n = await page('Page.navigate', { url });
      if (n.errorText) throw new Error(url + ': ' + n.errorText);
      for (let i = 0; i < 200; i++) {
        await sleep(100);
        if (await evaluate('!!(window.duralava && window.duralava.ready)').catch(() => false)) return;
      }
      throw new Error(url + ': never ready');
    };
    const base = `http://127.0.0.1:${server.address().port}/index.html`;
    const channelSums = `new Promise((r) => setTimeout(() => { const c = document.getElementById('lamp');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const s = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) { s[0] += d[i]; s[1] += d[i + 1]; s[2] += d[i + 2]; }
        r({sums: s, error: duralava.error}); }, 300))`;
    await openPage(base + '?seed=3');
    const original = await evaluate(channelSums);
    await openPage(base + '?palette=ocean&rate=5&seed=3');
    const ocean = await evaluate(channelSums);
    await openPage(base + '?palette=plaid');
    const wrongPalette = await evaluate('duralava.error');
    const options = { original, ocean, wrongPalette };

    if (docsScreenshot) {
      await openPage(base + '?seed=3');
      await evaluate("document.getElementById('help').hidden = true");
      await sleep(3000);
      const docs = await page('Page.captureScreenshot', { format: 'png' });
      fs.writeFileSync(docsScreenshot, Buffer.from(docs.data, 'base64'));
    }

    // lamp.html opened from disk (file://): the same lamp from the inlined wasm and model.
    const single = 'file://' + path.resolve(webDir, 'lamp.html') + '?test=' + frameCount + '&seed=' + seed;
    const singleNavigation = await page('Page.navigate', { url: single });
    if (singleNavigation.errorText) throw new Error(single + ': ' + singleNavigation.errorText);
    let singleReady = false;
    for (let i = 0; i < 200 && !singleReady; i++) {
      await sleep(100);
      singleReady = await evaluate('!!(window.duralava && window.duralava.ready)').catch(() => false);
    }
    const singleFile = singleReady
      ? await evaluate('new Promise((r) => setTimeout(() => r({error: duralava.error, frames: duralava.frames, renders: duralava.renders}), 500))')
      : { error: 'never ready' };
    console.log(JSON.stringify({ state, first, second, renders, bench, dropped, rendersAfterDrop, options, singleFile, console: console_ }));
  } finally {
    clearTimeout(watchdog);
    await browser.close();
    server.close();
  }
}
main().catch((e) => { console.error('browser-check: error: ' + e.message); process.exit(1); });
