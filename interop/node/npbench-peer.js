/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
// Node.js (libuv) peer of the npipe benchmark: npbench.exe's command line, workloads and result line, over
// `net` on \\.\pipe\... (libuv's overlapped pipe I/O on one completion port; byte pipes only, as `net` has no
// message mode).
//
//   node npbench-peer.js server <pipe> byte <threads>
//   node npbench-peer.js client <pipe> byte latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>
//
// <threads> is accepted for npbench's command line and ignored: a Node program has one event loop.
'use strict';
const net = require('net');

function die(msg) {
  process.stderr.write('npbench-peer.js: ' + msg + '\n');
  process.exit(2);
}

const [role, path, mode] = process.argv.slice(2, 5);
if (mode !== 'byte') die('only byte pipes: node\'s net module has no message mode');

if (role === 'server') {
  // Echoes every read back with one write, as npbench's server.
  const server = net.createServer((c) => {
    c.on('data', (d) => c.write(d));
    c.on('error', () => c.destroy());
  });
  server.listen(path, () => process.stdout.write('READY\n'));
  // Runs until standard input closes, as npbench's server. Under Wine a Unix pipe or FIFO as standard input
  // is no Windows handle node can open (EBADF): then it runs until it is killed.
  try {
    process.stdin.on('end', () => process.exit(0));
    process.stdin.on('close', () => process.exit(0));
    process.stdin.on('error', () => {});
    process.stdin.resume();
  } catch (e) {
    // No usable standard input.
  }
} else if (role === 'client') {
  const test = process.argv[5];
  const conns = +process.argv[6], size = +process.argv[7], warmup = +process.argv[8], measure = +process.argv[9];
  const latency = test === 'latency';
  const window = Math.max(2, Math.min(64, Math.floor(65536 / size)));
  let measuring = false, stopping = false, msgs = 0, total = 0, connected = 0;
  const rtts = [];
  const payload = Buffer.alloc(size * window);

  function load(c) {
    let received = 0, sentAt = 0, inFlight = 0;
    function send() {
      if (stopping) return;
      if (latency) {
        sentAt = process.hrtime.bigint();
        c.write(payload.subarray(0, size));
      } else {
        // The free part of the window in one write, as npbench on a byte pipe.
        const n = window - inFlight;
        inFlight = window;
        c.write(payload.subarray(0, n * size));
      }
    }
    c.on('data', (d) => {
      received += d.length;
      let done = 0;
      while (received >= size) { received -= size; done++; }
      if (done === 0) return;
      total += done; // since the start, warm-up included (scripts/count-calls.sh)
      if (measuring) {
        msgs += done;
        if (latency) rtts.push(Number(process.hrtime.bigint() - sentAt) / 1e3);
      }
      if (latency) send();
      else { inFlight -= done; send(); }
    });
    c.on('error', (e) => { if (!stopping) die('connection: ' + e.message); });
    send();
  }

  const clients = [];
  for (let i = 0; i < conns; i++) {
    const c = net.connect(path, () => {
      if (++connected === conns) start();
    });
    clients.push(c);
  }
  function start() {
    for (const c of clients) load(c);
    setTimeout(() => {
      measuring = true;
      const t0 = process.hrtime.bigint();
      setTimeout(() => {
        measuring = false;
        stopping = true;
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        rtts.sort((a, b) => a - b);
        const pct = (p) => rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(rtts.length * p))].toFixed(1) : 'NaN';
        process.stdout.write(`RESULT msgs=${msgs} bytes=${msgs * size} secs=${secs.toFixed(6)} p50_us=${pct(0.5)}`
          + ` p99_us=${pct(0.99)} p999_us=${pct(0.999)} at_once=NaN total=${total}\n`, () => process.exit(0));
      }, measure);
    }, warmup);
  }
} else {
  die('usage: npbench-peer.js server <pipe> byte <threads> | client <pipe> byte latency|throughput <conns> <size>'
    + ' <warmup-ms> <measure-ms> <threads>');
}
