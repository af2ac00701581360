#!/usr/bin/env node
// noise_peer.mjs — a BOLT 8 (Noise_XK_secp256k1_ChaChaPoly_SHA256) peer built on the
// independent implementation @node-dlc/noise, driven over JSON lines.
//
// polywire's interop test spawns this script and talks to it through stdin/stdout.
// The protocol is described in README.md next to this file. In brief:
//
//   node noise_peer.mjs --key HEX32 --listen PORT [--echo] [--js-secp256k1]
//   node noise_peer.mjs --key HEX32 --dial PUBKEY33HEX@127.0.0.1:PORT [--js-secp256k1]
//
//   stdout: one JSON event per line   stdin: one JSON command per line
//
// The package is found through $POLYWIRE_NODE_MODULES (a node_modules directory), or
// else through NODE_PATH and the node_modules directories above this file.
// Exit codes: 0 normal end (exit command, stdin EOF, SIGTERM), 1 cannot listen,
// 2 usage error or package missing.

import { createHash } from 'node:crypto';
import Module, { createRequire } from 'node:module';
import * as readline from 'node:readline';

// ---------------------------------------------------------------- output

process.stdout.on('error', () => process.exit(0)); // the driver went away

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function usage(msg) {
  process.stderr.write(`noise_peer: ${msg}\n`);
  process.stderr.write(
    'usage: node noise_peer.mjs --key HEX32 (--listen PORT [--echo] | --dial PUBKEY33HEX@127.0.0.1:PORT)\n' +
      '                           [--js-secp256k1]\n',
  );
  process.exit(2);
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { key: null, listen: null, dial: null, echo: false, jsSecp: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--key': {
        const hex = value().replace(/^0x/i, '');
        if (!/^[0-9a-fA-F]{64}$/.test(hex)) usage('--key must be 32 bytes of hex (64 digits)');
        opts.key = Buffer.from(hex, 'hex');
        break;
      }
      case '--listen': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) usage(`bad --listen port: ${v}`);
        opts.listen = Number(v);
        break;
      }
      case '--dial': {
        const v = value();
        const m = /^(0[23][0-9a-fA-F]{64})@([0-9.]+|localhost):(\d+)$/.exec(v);
        if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) {
          usage(`bad --dial (want PUBKEY33HEX@127.0.0.1:PORT): ${v}`);
        }
        opts.dial = {
          pubkey: Buffer.from(m[1], 'hex'),
          host: m[2] === 'localhost' ? '127.0.0.1' : m[2],
          port: Number(m[3]),
        };
        break;
      }
      case '--echo':
        opts.echo = true;
        break;
      case '--js-secp256k1':
        opts.jsSecp = true;
        break;
      case '-h':
      case '--help':
        usage('help');
        break;
      default:
        usage(`unknown argument: ${a}`);
    }
  }
  if (opts.key === null) usage('--key is required');
  if ((opts.listen === null) === (opts.dial === null)) usage('need exactly one of --listen and --dial');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------- the package

// @node-dlc/noise needs secp256k1 through @node-dlc/crypto -> secp256k1 (npm). That
// package loads its native addon (prebuilt for linux-x64, or built by its install
// script) and falls back to its pure-JS implementation (elliptic) when the addon
// cannot load. --js-secp256k1 forces the fallback, so both paths can be exercised.
function loadNoise() {
  const base = process.env.POLYWIRE_NODE_MODULES;
  let req;
  let where;
  if (base !== undefined && base !== '') {
    where = `POLYWIRE_NODE_MODULES=${base}`;
    req = createRequire(base.replace(/\/+$/, '') + '/');
  } else {
    where = 'NODE_PATH and the node_modules directories above noise_peer.mjs';
    req = createRequire(import.meta.url);
  }
  let entry;
  try {
    entry = req.resolve('@node-dlc/noise');
  } catch {
    process.stderr.write(
      `noise_peer: cannot find @node-dlc/noise through ${where}\n` +
        '            (install it with npm ci in the polywire root, and set POLYWIRE_NODE_MODULES)\n',
    );
    process.exit(2);
  }
  const noiseReq = createRequire(entry);
  let secpIndex;
  try {
    secpIndex = createRequire(noiseReq.resolve('@node-dlc/crypto')).resolve('secp256k1');
  } catch {
    process.stderr.write('noise_peer: @node-dlc/noise is installed without its secp256k1 dependency\n');
    process.exit(2);
  }
  const secpReq = createRequire(secpIndex);
  let backend;
  if (opts.jsSecp) {
    const m = new Module(secpIndex);
    m.filename = secpIndex;
    m.exports = secpReq('./elliptic');
    m.loaded = true;
    Module._cache[secpIndex] = m;
    backend = 'js';
  } else {
    try {
      secpReq('./bindings');
      backend = 'native';
    } catch {
      backend = 'js'; // what secp256k1's index.js falls back to
    }
  }
  const noise = noiseReq(entry);
  let version = '?';
  try {
    version = noiseReq(entry.replace(/dist\/index\.js$/, 'package.json')).version;
  } catch {}
  return { noise, backend, version };
}

const { noise, backend, version } = loadNoise();
if (typeof noise.connect !== 'function' || typeof noise.createServer !== 'function') {
  process.stderr.write('noise_peer: @node-dlc/noise does not export connect and createServer\n');
  process.exit(2);
}
if (version !== '1.1.7') {
  process.stderr.write(`noise_peer: warning: written against @node-dlc/noise 1.1.7, found ${version}\n`);
}
const { getPublicKey } = createRequire(createRequire(process.env.POLYWIRE_NODE_MODULES
  ? process.env.POLYWIRE_NODE_MODULES.replace(/\/+$/, '') + '/'
  : import.meta.url).resolve('@node-dlc/noise'))('@node-dlc/crypto');

// ---------------------------------------------------------------- helpers

const toHex = (b) => Buffer.from(b).toString('hex');
const sha256Hex = (b) => createHash('sha256').update(b).digest('hex');
const MAX_MESSAGE = 65535;

// byte i = (i*31 + seed) & 0xff, as the C++ test builds them.
function patternPayload(size, seed) {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function errMessage(err) {
  if (err instanceof Error) return err.message || String(err);
  return String(err);
}

let ourPubkey;
try {
  ourPubkey = getPublicKey(opts.key);
} catch (err) {
  usage(`invalid --key: ${errMessage(err)}`);
}

// ---------------------------------------------------------------- the connection

let current = null; // the NoiseSocket whose handshake completed most recently
let received = 0;
let sentCount = 0;

function attach(socket, initiator) {
  let ready = false;
  socket.on('ready', () => {
    ready = true;
    current = socket;
    received = 0;
    sentCount = 0;
    emit({ event: 'ready', initiator, remote_pubkey: toHex(socket.rpk) });
  });
  socket.on('data', (m) => {
    const data = Buffer.from(m);
    emit({ event: 'msg', index: received++, size: data.length, sha256: sha256Hex(data) });
    if (opts.echo) {
      socket.write(data, () => emit({ event: 'sent', index: sentCount++, size: data.length, sha256: sha256Hex(data), echo: true }));
    }
  });
  socket.on('error', (err) => emit({ event: 'error', message: errMessage(err), during: ready ? 'transport' : 'handshake' }));
  socket.on('end', () => emit({ event: 'end' }));
  socket.on('close', (hadError) => {
    emit({ event: 'closed', had_error: hadError === true });
    if (current === socket) current = null;
  });
}

let server = null;
if (opts.listen !== null) {
  server = noise.createServer({ ls: opts.key }, (socket) => {
    emit({ event: 'accepted', remote_port: socket._socket?.remotePort ?? null });
    attach(socket, false);
  });
  server.on('error', (err) => {
    process.stderr.write(`noise_peer: cannot listen on 127.0.0.1:${opts.listen}: ${errMessage(err)}\n`);
    process.exit(1);
  });
  server.listen({ host: '127.0.0.1', port: opts.listen }, () => {
    emit({
      event: 'listening',
      port: server.address().port,
      pubkey: toHex(ourPubkey),
      secp256k1: backend,
      version,
    });
  });
} else {
  const d = opts.dial;
  emit({ event: 'dialing', pubkey: toHex(ourPubkey), remote_pubkey: toHex(d.pubkey), port: d.port, secp256k1: backend, version });
  const socket = noise.connect({ ls: opts.key, rpk: d.pubkey, host: d.host, port: d.port });
  attach(socket, true);
}

// ---------------------------------------------------------------- commands

function needSocket() {
  if (current === null) throw new Error('no connection ready (wait for the ready event)');
  return current;
}

function handleCommand(cmd) {
  switch (cmd.cmd) {
    case 'send': {
      const socket = needSocket();
      const count = cmd.count ?? 1;
      if (!Number.isInteger(count) || count < 1) throw new Error(`bad count ${cmd.count}`);
      let messages;
      if (typeof cmd.hex === 'string') {
        if (!/^([0-9a-fA-F]{2})*$/.test(cmd.hex)) throw new Error('bad hex');
        messages = Array(count).fill(Buffer.from(cmd.hex, 'hex'));
      } else {
        const size = cmd.size ?? 0;
        if (!Number.isInteger(size) || size < 0) throw new Error(`bad size ${cmd.size}`);
        const seed = cmd.seed ?? 0;
        messages = Array.from({ length: count }, (_, j) => patternPayload(size, (seed + j) & 0xff));
      }
      for (const m of messages) {
        if (m.length > MAX_MESSAGE) throw new Error(`message of ${m.length} bytes exceeds BOLT 8's ${MAX_MESSAGE}`);
      }
      const first = sentCount;
      sentCount += messages.length;
      messages.forEach((m, j) => {
        const last = j === messages.length - 1;
        socket.write(m, () => {
          if (count === 1) emit({ event: 'sent', index: first, size: m.length, sha256: sha256Hex(m) });
          else if (last) emit({ event: 'sent', index: first, count, size: m.length });
        });
      });
      break;
    }
    case 'end':
      needSocket().end(); // half-close: FIN after what was written
      break;
    case 'exit':
      shutdown(0);
      break;
    default:
      throw new Error(`unknown cmd ${JSON.stringify(cmd.cmd)}`);
  }
}

let shuttingDown = false;
function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    if (current) current.end();
    if (server) server.close();
  } catch {}
  setTimeout(() => process.exit(code), 150);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on('line', (line) => {
  if (shuttingDown) return;
  const text = line.trim();
  if (text === '') return;
  let cmd;
  try {
    cmd = JSON.parse(text);
  } catch {
    emit({ event: 'error', message: `bad command (not JSON): ${text.slice(0, 200)}`, during: 'command' });
    return;
  }
  try {
    handleCommand(cmd);
  } catch (err) {
    emit({ event: 'error', message: `${cmd?.cmd ?? 'command'}: ${errMessage(err)}`, during: 'command' });
  }
});
rl.on('close', () => shutdown(0));

process.on('uncaughtException', (err) => emit({ event: 'error', message: `uncaught: ${errMessage(err)}`, during: 'driver' }));
process.on('SIGTERM', () => shutdown(0));
