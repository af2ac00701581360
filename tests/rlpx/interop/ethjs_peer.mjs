#!/usr/bin/env node
// ethjs_peer.mjs — an RLPx peer built on @ethereumjs/devp2p, driven over JSON lines.
//
// polywire's interop tests spawn this script and talk to it through stdin/stdout.
// The protocol is described in README.md next to this file. In brief:
//
//   node ethjs_peer.mjs --key HEX [--listen PORT] [--dial ID@127.0.0.1:PORT]
//                       [--cap NAME/VERSION:LENGTH]... [--echo] [--no-keepalive]
//
//   stdout: one JSON event per line   stdin: one JSON command per line
//
// The package is found through $POLYWIRE_NODE_MODULES (a node_modules directory), or
// else through NODE_PATH and the node_modules directories above this file.
// Exit codes: 0 normal end (exit command, stdin EOF, SIGTERM), 1 cannot listen,
// 2 usage error or package missing.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as readline from 'node:readline';

// ---------------------------------------------------------------- output

let stdoutBroken = false;
process.stdout.on('error', () => {
  // The driver went away: nothing left to report to.
  stdoutBroken = true;
  process.exit(0);
});

// stdout is a pipe when driven by a test; on Linux pipe writes are synchronous,
// so every line is out of this process before the call returns.
function emit(obj) {
  if (stdoutBroken) return;
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function usage(msg) {
  process.stderr.write(`ethjs_peer: ${msg}\n`);
  process.stderr.write(
    'usage: node ethjs_peer.mjs --key HEX32 [--listen PORT] [--dial ID128HEX@127.0.0.1:PORT]\n' +
      '                           [--cap NAME/VERSION:LENGTH]... [--echo] [--no-keepalive]\n',
  );
  process.exit(2);
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { key: null, listen: null, dial: null, caps: [], echo: false, keepalive: true };
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
        opts.key = Uint8Array.from(Buffer.from(hex, 'hex'));
        break;
      }
      case '--listen': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) usage(`bad --listen port: ${v}`);
        opts.listen = Number(v);
        break;
      }
      case '--dial': {
        const v = value().replace(/^enode:\/\//, '');
        const m = /^([0-9a-fA-F]{128})@([0-9.]+|localhost):(\d+)$/.exec(v);
        if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) {
          usage(`bad --dial (want ID128HEX@127.0.0.1:PORT): ${v}`);
        }
        opts.dial = {
          idHex: m[1].toLowerCase(),
          address: m[2] === 'localhost' ? '127.0.0.1' : m[2],
          port: Number(m[3]),
        };
        break;
      }
      case '--cap': {
        const v = value();
        const m = /^([^/:\s]+)\/(\d+):(\d+)$/.exec(v);
        if (!m) usage(`bad --cap (want NAME/VERSION:LENGTH): ${v}`);
        const cap = { name: m[1], version: Number(m[2]), length: Number(m[3]) };
        if (cap.length < 1) usage(`--cap length must be at least 1: ${v}`);
        if (cap.length > 0x80 - 16) {
          // ethjs reads only the first body byte as the code, so wire codes >= 0x80 are misread.
          process.stderr.write(`ethjs_peer: warning: --cap ${v}: ethjs cannot receive codes past ${0x80 - 16 - 1}\n`);
        }
        if (opts.caps.some((c) => c.name === cap.name && c.version === cap.version)) {
          usage(`duplicate --cap ${v}`);
        }
        opts.caps.push(cap);
        break;
      }
      case '--echo':
        opts.echo = true;
        break;
      case '--no-keepalive':
        opts.keepalive = false;
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
  if (opts.listen === null && opts.dial === null) usage('need --listen and/or --dial');
  if (opts.caps.length === 0) opts.caps.push({ name: 'test', version: 1, length: 8 });
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------- the package

function loadDevp2p() {
  const base = process.env.POLYWIRE_NODE_MODULES;
  let req;
  let where;
  if (base !== undefined && base !== '') {
    where = `POLYWIRE_NODE_MODULES=${base}`;
    req = createRequire(base.replace(/\/+$/, '') + '/');
  } else {
    where = 'NODE_PATH and the node_modules directories above ethjs_peer.mjs';
    req = createRequire(import.meta.url);
  }
  let entry;
  try {
    entry = req.resolve('@ethereumjs/devp2p');
  } catch {
    process.stderr.write(
      `ethjs_peer: cannot find @ethereumjs/devp2p through ${where}\n` +
        '            (install it with npm ci in the polywire root, and set POLYWIRE_NODE_MODULES)\n',
    );
    process.exit(2);
  }
  // Everything below comes from the same (CommonJS) module graph, so the Peer class
  // patched here is the one RLPx instantiates. snappyjs is resolved from the package.
  const devp2p = req(entry);
  const pkgReq = createRequire(entry);
  const snappy = pkgReq('snappyjs');
  const rlp = pkgReq('@ethereumjs/rlp');
  let version = '?';
  try {
    const path = entry.replace(/dist\/cjs\/index\.js$/, 'package.json');
    version = pkgReq(path).version;
  } catch {}
  return { devp2p, snappy, RLP: rlp.RLP, version };
}

const { devp2p, snappy, RLP, version: ethjsVersion } = loadDevp2p();
const { RLPx, Peer } = devp2p;
if (typeof RLPx !== 'function' || typeof Peer !== 'function') {
  process.stderr.write('ethjs_peer: @ethereumjs/devp2p does not export RLPx and Peer\n');
  process.exit(2);
}
if (ethjsVersion !== '10.0.0') {
  process.stderr.write(`ethjs_peer: warning: written against @ethereumjs/devp2p 10.0.0, found ${ethjsVersion}\n`);
}

// ---------------------------------------------------------------- helpers

const toHex = (bytes) => Buffer.from(bytes).toString('hex');
const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');
const bytesToInt = (b) => {
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
};
const MAX_FRAME = 0xffffff; // 3-byte frame size; ethjs does not check this when sending

function patternPayload(size, seed) {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function errMessage(err) {
  if (err instanceof Error) return err.message || String(err);
  return String(err);
}

// Peers whose Hello arrived, most recent last. Commands go to the most recent one.
let currentPeer = null;
const allSockets = new Set();

function capLabel(cap) {
  return `${cap.name}/${cap.version}`;
}

// ---------------------------------------------------------------- raw capability

// A subprotocol in the shape ethjs expects: Peer instantiates
// `new cap.constructor(version, peer, send)` for each shared capability and then calls
// `_handleMessage(code, payload)` with the capability-relative code and the payload
// already snappy-decompressed (when the remote Hello said version >= 5).
// It does not derive from ethjs' Protocol class on purpose: that base class starts a
// 5 s STATUS timer (Disconnect 0x0b) for any protocol name except 'snap'.
function makeRawCapability(cap) {
  class RawCapability {
    constructor(version, peer, send) {
      this._version = version;
      this._peer = peer;
      this._send = send; // ethjs' send: checks `code > length` (off by one); not used
      this.cap = cap;
    }
    getVersion() {
      return this._version;
    }
    _handleMessage(code, payload) {
      const data = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
      emit({ event: 'msg', code, size: data.length, sha256: sha256Hex(data), cap: capLabel(cap) });
      if (opts.echo) {
        // Echo outside ethjs' receive loop, so a send failure cannot disconnect the peer.
        const copy = Uint8Array.from(data);
        setImmediate(() => {
          try {
            sendRaw(this._peer, cap, code, copy, { echo: true });
          } catch (err) {
            emit({ event: 'error', message: `echo: ${errMessage(err)}` });
          }
        });
      }
    }
  }
  Object.defineProperty(RawCapability, 'name', { value: `Raw_${cap.name}_${cap.version}` });
  return { name: cap.name, version: cap.version, length: cap.length, constructor: RawCapability };
}

const capabilities = opts.caps.map(makeRawCapability);

// Sends one capability message; returns after it is handed to the socket.
function sendRaw(peer, cap, code, data, extra = {}) {
  const { compress = true, unchecked = false, echo = false } = extra;
  if (!Number.isInteger(code) || code < 0) throw new Error(`bad code ${code}`);
  if (!unchecked && code >= cap.length) {
    throw new Error(`code ${code} out of range for ${capLabel(cap)} (length ${cap.length})`);
  }
  const entry = (peer._protocols ?? []).find((p) => p.protocol?.cap === cap);
  if (entry === undefined) throw new Error(`capability ${capLabel(cap)} is not shared with the peer`);
  let wire = data;
  const remoteVersion = peer._hello?.protocolVersion;
  if (compress && remoteVersion !== undefined && remoteVersion >= 5) wire = snappy.compress(data);
  const wireCode = entry.offset + code;
  const frameSize = RLP.encode(wireCode).length + wire.length;
  if (!unchecked && frameSize > MAX_FRAME) {
    throw new Error(`frame of ${frameSize} bytes exceeds the RLPx limit ${MAX_FRAME} (ethjs would corrupt it)`);
  }
  // Peer._sendMessage(code, data) writes header and body; it returns true when written.
  const ok = peer._sendMessage(wireCode, wire);
  if (ok !== true) throw new Error('peer connection is closed');
  const ev = { event: 'sent', code, size: data.length, sha256: sha256Hex(data), cap: capLabel(cap) };
  if (wireCode >= 0x80) ev.warning = 'wire code >= 0x80: ethjs itself cannot receive such codes';
  if (echo) ev.echo = true;
  emit(ev);
}

// ---------------------------------------------------------------- observing ethjs' Peer

// ethjs has no events for Hello, Ping, Pong or a received Disconnect before the
// 'peer:added'/'peer:removed' pair (which only fire after a successful Hello), so the
// Peer prototype is wrapped to report them as they happen.
const P = Peer.prototype;

const origHandleHello = P._handleHello;
P._handleHello = function (payload) {
  try {
    emit({
      event: 'hello',
      client_id: Buffer.from(payload[1]).toString('utf8'),
      protocol_version: bytesToInt(payload[0]),
      caps: payload[2].map((c) => `${Buffer.from(c[0]).toString('utf8')}/${bytesToInt(c[1])}`),
      listen_port: bytesToInt(payload[3]),
      remote_id: toHex(payload[4]),
    });
  } catch (err) {
    emit({ event: 'error', message: `malformed Hello: ${errMessage(err)}` });
  }
  const r = origHandleHello.call(this, payload);
  if (this._connected) {
    currentPeer = this;
    if (!opts.keepalive) clearInterval(this._pingIntervalId);
  }
  return r;
};

const origHandleDisconnect = P._handleDisconnect;
P._handleDisconnect = function (payload) {
  const r = origHandleDisconnect.call(this, payload);
  const reason = this._disconnectReason;
  emit({ event: 'disconnect', reason: Number.isInteger(reason) ? reason : null });
  return r;
};

const origSendDisconnect = P._sendDisconnect;
P._sendDisconnect = function (reason) {
  const wasClosed = this._closed;
  const r = origSendDisconnect.call(this, reason);
  if (!wasClosed && this._closed && this._disconnectWe === true) {
    emit({ event: 'disconnect_sent', reason });
  }
  return r;
};

const origHandlePing = P._handlePing;
P._handlePing = function () {
  emit({ event: 'ping' });
  return origHandlePing.call(this);
};

const origHandlePong = P._handlePong;
P._handlePong = function () {
  emit({ event: 'pong' });
  return origHandlePong.call(this);
};

const origOnSocketClose = P._onSocketClose;
P._onSocketClose = function (...args) {
  const r = origOnSocketClose.apply(this, args);
  allSockets.delete(this._socket);
  const reason = this._disconnectReason;
  emit({
    event: 'closed',
    reason: Number.isInteger(reason) ? reason : null,
    by: this._disconnectWe === true ? 'local' : this._disconnectWe === false ? 'remote' : null,
  });
  if (currentPeer === this) currentPeer = null;
  return r;
};

// ---------------------------------------------------------------- RLPx

let rlpx;
try {
  rlpx = new RLPx(opts.key, {
    capabilities,
    maxPeers: 10,
    listenPort: opts.listen === null ? null : opts.listen,
  });
} catch (err) {
  usage(`cannot create RLPx with this key: ${errMessage(err)}`);
}
const ourId = toHex(rlpx.id);

let listening = false;
rlpx.events.on('error', (err) => {
  emit({ event: 'error', message: errMessage(err) });
  if (opts.listen !== null && !listening) {
    // Could not listen (e.g. EADDRINUSE): fail fast rather than leave the driver waiting.
    process.stderr.write(`ethjs_peer: cannot listen on 127.0.0.1:${opts.listen}: ${errMessage(err)}\n`);
    process.exit(1);
  }
});
rlpx.events.on('peer:error', (peer, err) => {
  // e.g. 'should have valid tag: ...' (auth/ack it cannot decrypt), 'Invalid MAC: ...',
  // 'Invalid Snappy bitstream', socket errors such as ECONNRESET.
  emit({ event: 'error', message: errMessage(err), state: peer?._state ?? null });
});
rlpx.events.on('peer:added', (peer) => {
  currentPeer = peer;
});

rlpx._server.on('connection', (socket) => {
  allSockets.add(socket);
  socket.once('close', () => allSockets.delete(socket));
  emit({ event: 'accepted', remote_port: socket.remotePort });
});

function dial() {
  const d = opts.dial;
  emit({ event: 'dialing', id: ourId, remote_id: d.idHex, port: d.port });
  rlpx
    .connect({ id: Uint8Array.from(Buffer.from(d.idHex, 'hex')), address: d.address, tcpPort: d.port })
    .then(() => {
      const s = rlpx._peers.get(d.idHex);
      const socket = s instanceof Peer ? s._socket : s;
      if (socket) allSockets.add(socket);
      emit({ event: 'connected', port: d.port });
    })
    .catch((err) => emit({ event: 'error', message: `dial failed: ${errMessage(err)}` }));
}

if (opts.listen !== null) {
  rlpx.events.once('listening', () => {
    listening = true;
    const port = rlpx._server.address().port;
    rlpx._listenPort = port; // advertised in our Hello
    emit({ event: 'listening', port, id: ourId });
    if (opts.dial !== null) dial();
  });
  rlpx.listen(opts.listen, '127.0.0.1');
} else {
  dial();
}

// ---------------------------------------------------------------- commands

function pickCap(cmd) {
  if (cmd.cap === undefined) return opts.caps[0];
  const cap = opts.caps.find((c) => capLabel(c) === cmd.cap);
  if (cap === undefined) throw new Error(`unknown cap ${cmd.cap}`);
  return cap;
}

function needPeer() {
  if (currentPeer === null) throw new Error('no peer connected (wait for the hello event)');
  return currentPeer;
}

function handleCommand(cmd) {
  switch (cmd.cmd) {
    case 'send': {
      const peer = needPeer();
      const cap = pickCap(cmd);
      let data;
      if (typeof cmd.hex === 'string') {
        if (!/^([0-9a-fA-F]{2})*$/.test(cmd.hex)) throw new Error('bad hex');
        data = Uint8Array.from(Buffer.from(cmd.hex, 'hex'));
      } else {
        const size = cmd.size ?? 0;
        if (!Number.isInteger(size) || size < 0) throw new Error(`bad size ${cmd.size}`);
        data = patternPayload(size, (cmd.seed ?? 0) & 0xff);
      }
      sendRaw(peer, cap, cmd.code, data, {
        compress: cmd.compress !== false,
        unchecked: cmd.unchecked === true,
      });
      break;
    }
    case 'ping': {
      const peer = needPeer();
      // Also arms ethjs' pong timer: Disconnect(0x0b) if no Pong within 10 s.
      peer._sendPing();
      emit({ event: 'ping_sent' });
      break;
    }
    case 'disconnect': {
      const peer = needPeer();
      const reason = cmd.reason ?? 0;
      if (!Number.isInteger(reason) || reason < 0 || reason > 255) throw new Error(`bad reason ${cmd.reason}`);
      if (peer._closed) throw new Error('peer connection is already closed');
      if (cmd.form === 'list') {
        // geth's form, snappy([reason]); ethjs' own form (below) is a bare, uncompressed integer.
        let data = RLP.encode([reason]);
        if ((peer._hello?.protocolVersion ?? 0) >= 5) data = snappy.compress(data);
        if (peer._sendMessage(0x01, data) !== true) throw new Error('peer connection is closed');
        peer._disconnectReason = reason;
        peer._disconnectWe = true;
        peer._closed = true;
        emit({ event: 'disconnect_sent', reason });
        setTimeout(() => peer._socket.end(), 2000);
      } else {
        peer.disconnect(reason); // sends Disconnect, closes the socket 2 s later
      }
      break;
    }
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
    // Sends Disconnect(0x08 client quitting) to every peer past Hello and closes the server.
    rlpx.destroy();
  } catch {}
  for (const v of rlpx._peers.values()) allSockets.add(v instanceof Peer ? v._socket : v);
  if (currentPeer) allSockets.add(currentPeer._socket);
  for (const s of allSockets) {
    try {
      s.end();
    } catch {}
  }
  // Give the kernel a moment to take the last writes, then go.
  setTimeout(() => {
    for (const s of allSockets) {
      try {
        s.destroy();
      } catch {}
    }
    process.exit(code);
  }, 150);
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
    emit({ event: 'error', message: `bad command (not JSON): ${text.slice(0, 200)}` });
    return;
  }
  try {
    handleCommand(cmd);
  } catch (err) {
    emit({ event: 'error', message: `${cmd?.cmd ?? 'command'}: ${errMessage(err)}` });
  }
});
rl.on('close', () => shutdown(0));

process.on('uncaughtException', (err) => {
  emit({ event: 'error', message: `uncaught: ${errMessage(err)}` });
});
process.on('unhandledRejection', (err) => {
  emit({ event: 'error', message: `unhandled: ${errMessage(err)}` });
});
process.on('SIGTERM', () => shutdown(0));
