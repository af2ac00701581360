#!/usr/bin/env node
// libp2p_noise_peer.mjs — a libp2p Noise secure-channel peer
// (Noise_XX_25519_ChaChaPoly_SHA256 with the libp2p handshake payload) built on
// js-libp2p's own connection encrypter, @chainsafe/libp2p-noise, driven over
// JSON lines. No multistream-select and no stream muxer: the encrypter runs
// directly over a TCP socket.
//
// polywire's interop tests spawn this script and talk to it through
// stdin/stdout. The protocol is described in README.md next to this file:
//
//   node libp2p_noise_peer.mjs --key-type ed25519|secp256k1 [--key HEX32]
//        (--listen PORT | --dial 127.0.0.1:PORT) [--expect-peer PEER_ID]
//        [--echo] [--muxers A,B] [--tamper-signature]
//
//   stdout: one JSON event per line   stdin: one JSON command per line
//
// Packages are loaded from $POLYWIRE_NODE_MODULES (a node_modules directory),
// else from the node_modules directories above this file.
// Exit codes: 0 no error event was emitted, 1 an error event was emitted (a
// refused or failed handshake, a transport error, a bad command) or the
// socket could not be opened, 2 usage error or package missing.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const NOISE_VERSION = '17.0.0';

// ---------------------------------------------------------------- output

process.stdout.on('error', () => process.exit(0)); // the driver went away

let failed = false;

function emit(obj) {
  if (obj.event === 'error') failed = true;
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function usage(msg) {
  process.stderr.write(`libp2p_noise_peer: ${msg}\n`);
  process.stderr.write(
    'usage: node libp2p_noise_peer.mjs --key-type ed25519|secp256k1 [--key HEX32]\n' +
      '         (--listen PORT | --dial 127.0.0.1:PORT) [--expect-peer PEER_ID]\n' +
      '         [--echo] [--muxers A,B] [--tamper-signature]\n',
  );
  process.exit(2);
}

function errMessage(err) {
  if (err instanceof Error) return err.message || String(err);
  return String(err);
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = {
    keyType: null,
    key: null,
    listen: null,
    dial: null,
    expectPeer: null,
    echo: false,
    muxers: [],
    tamper: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--key-type': {
        const v = value();
        if (v !== 'ed25519' && v !== 'secp256k1') usage(`bad --key-type (ed25519 or secp256k1): ${v}`);
        opts.keyType = v;
        break;
      }
      case '--key': {
        const hex = value();
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
        const m = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(v);
        if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) usage(`bad --dial (want 127.0.0.1:PORT): ${v}`);
        opts.dial = Number(m[2]);
        break;
      }
      case '--expect-peer':
        opts.expectPeer = value();
        break;
      case '--echo':
        opts.echo = true;
        break;
      case '--muxers':
        opts.muxers = value().split(',').filter((s) => s !== '');
        break;
      case '--tamper-signature':
        opts.tamper = true;
        break;
      case '-h':
      case '--help':
        usage('help');
        break;
      default:
        usage(`unknown argument: ${a}`);
    }
  }
  if (opts.keyType === null) usage('--key-type is required');
  if ((opts.listen === null) === (opts.dial === null)) usage('need exactly one of --listen and --dial');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------- the packages

// js-libp2p 3.x calls Promise.withResolvers (a built-in from Node.js 22 on) in
// its stream helpers; Node.js 20 lacks it, so provide the standard definition.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const modulesDir = process.env.POLYWIRE_NODE_MODULES || '';

// The packages are ES modules with an "exports" map and no CommonJS entry, so
// they are resolved by hand in $POLYWIRE_NODE_MODULES (import() resolves bare
// names only from this file's location).
function packageEntry(specifier) {
  const m = /^(@[^/]+\/[^/]+|[^@/][^/]*)(\/.*)?$/.exec(specifier);
  const dir = path.join(modulesDir, m[1]);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const sub = '.' + (m[2] ?? '');
  let target = pkg.exports?.[sub];
  if (target !== null && typeof target === 'object') target = target.import ?? target.default;
  if (target === undefined && sub === '.') target = pkg.module ?? pkg.main;
  if (typeof target !== 'string') throw new Error(`no ES module entry for ${specifier} in ${dir}/package.json`);
  return { url: pathToFileURL(path.join(dir, target)).href, version: pkg.version };
}

async function load(specifier) {
  try {
    if (modulesDir === '') return await import(specifier);
    return await import(packageEntry(specifier).url);
  } catch (err) {
    const where = modulesDir === '' ? 'the node_modules directories above this script' : `POLYWIRE_NODE_MODULES=${modulesDir}`;
    process.stderr.write(
      `libp2p_noise_peer: cannot load ${specifier} through ${where}: ${errMessage(err)}\n` +
        '                   (install it with npm ci in the polywire root, and set POLYWIRE_NODE_MODULES)\n',
    );
    process.exit(2);
  }
}

const { noise } = await load('@chainsafe/libp2p-noise');
const keys = await load('@libp2p/crypto/keys');
const { peerIdFromPrivateKey, peerIdFromString } = await load('@libp2p/peer-id');
const { AbstractMultiaddrConnection } = await load('@libp2p/utils');
const { defaultLogger } = await load('@libp2p/logger');

let version = '?';
try {
  version =
    modulesDir === ''
      ? JSON.parse(readFileSync(new URL('../../package.json', import.meta.resolve('@chainsafe/libp2p-noise')), 'utf8')).version
      : packageEntry('@chainsafe/libp2p-noise').version;
} catch {}
if (version !== NOISE_VERSION) {
  process.stderr.write(`libp2p_noise_peer: warning: written against @chainsafe/libp2p-noise ${NOISE_VERSION}, found ${version}\n`);
}

// ---------------------------------------------------------------- identity

let privateKey;
try {
  if (opts.keyType === 'ed25519') {
    privateKey = opts.key ? await keys.generateKeyPairFromSeed('Ed25519', opts.key) : await keys.generateKeyPair('Ed25519');
  } else {
    privateKey = opts.key ? keys.privateKeyFromRaw(opts.key) : await keys.generateKeyPair('secp256k1');
  }
} catch (err) {
  usage(`invalid --key: ${errMessage(err)}`);
}
const peerId = peerIdFromPrivateKey(privateKey);

// The encrypter compares identity keys, so an expected peer id must embed one
// (identity multihash: Ed25519 and secp256k1 peer ids do).
function parseExpectedPeer(text) {
  const id = peerIdFromString(text);
  if (id.publicKey === undefined) throw new Error('not an Ed25519 or secp256k1 peer id');
  return id;
}

let expectedPeer;
if (opts.expectPeer !== null) {
  try {
    expectedPeer = parseExpectedPeer(opts.expectPeer);
  } catch (err) {
    usage(`bad --expect-peer: ${errMessage(err)}`);
  }
}

// The package signs "noise-libp2p-static-key:" || static key with
// components.privateKey.sign(). --tamper-signature hands it a key that signs the
// same text with the last byte of the static key flipped: a well-formed
// signature by the right identity key over the wrong static key.
function tamperingKey(key) {
  return new Proxy(key, {
    get(target, prop) {
      if (prop === 'sign') {
        return (data, options) => {
          const bytes = Uint8Array.from(data instanceof Uint8Array ? data : data.subarray());
          bytes[bytes.length - 1] ^= 0x01;
          return target.sign(bytes, options);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const components = {
  peerId,
  privateKey: opts.tamper ? tamperingKey(privateKey) : privateKey,
  logger: defaultLogger(),
  upgrader: { getStreamMuxers: () => new Map() },
};
const encrypter = noise({ extensions: { streamMuxers: opts.muxers } })(components);

// ---------------------------------------------------------------- the socket

// A net.Socket as the MessageStream the encrypter reads and writes
// (js-libp2p 3.x: AbstractMultiaddrConnection from @libp2p/utils).
class SocketConnection extends AbstractMultiaddrConnection {
  constructor(socket, direction) {
    super({
      log: components.logger.forComponent(`libp2p_noise_peer:socket:${direction}`),
      direction,
      remoteAddr: undefined,
    });
    this.socket = socket;
    socket.on('data', (buf) => this.onData(buf));
    socket.on('end', () => this.onRemoteCloseWrite());
    socket.on('drain', () => this.safeDispatchEvent('drain'));
    socket.on('error', () => {}); // 'close' follows with hadError
    socket.on('close', (hadError) => {
      if (hadError) this.onRemoteReset();
      this.onTransportClosed();
    });
  }

  sendData(data) {
    let canSendMore = true;
    for (const chunk of data) canSendMore = this.socket.write(chunk);
    return { sentBytes: data.byteLength, canSendMore };
  }

  sendReset() {
    this.socket.resetAndDestroy();
  }

  sendPause() {
    this.socket.pause();
  }

  sendResume() {
    this.socket.resume();
  }

  async sendClose() {
    if (this.socket.destroyed) return;
    await new Promise((resolve) => this.socket.end(resolve));
  }
}

// ---------------------------------------------------------------- the secured connection

const sha256Hex = (b) => createHash('sha256').update(b).digest('hex');
const HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_SEND = 1 << 20;

// byte i = (i*31 + seed) & 0xff, as the C++ tests build them.
function patternPayload(size, seed) {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function keyTypeName(t) {
  return t === 'Ed25519' ? 'ed25519' : t === 'secp256k1' ? 'secp256k1' : String(t);
}

let current = null; // the most recently secured connection

class Secured {
  constructor(result, initiator) {
    this.conn = result.connection; // the package's encrypted MessageStream
    this.initiator = initiator;
    this.received = 0;
    this.sent = 0;
    this.queue = Promise.resolve();
    this.closed = false;

    // The package's stream drops empty plaintexts (its onData ignores them) and
    // writes nothing for an empty send. To see and make 0-byte Noise messages,
    // this script watches the package's own decrypt and calls its encrypt.
    const handshake = this.conn.handshake;
    if (handshake === undefined || typeof handshake.decrypt !== 'function' || typeof handshake.encrypt !== 'function') {
      throw new Error('the secured connection has no handshake.encrypt/decrypt (package changed?)');
    }
    const decrypt = handshake.decrypt;
    handshake.decrypt = (ciphertext, dst) => {
      const plaintext = decrypt(ciphertext, dst);
      if (plaintext.byteLength === 0) this.onMessage(new Uint8Array(0));
      return plaintext;
    };
    this.conn.addEventListener('message', (evt) => this.onMessage(evt.data.subarray()));
    this.conn.addEventListener('close', (evt) => {
      this.closed = true;
      if (evt.error != null && evt.error.name !== 'StreamResetError') {
        emit({ event: 'error', message: errMessage(evt.error), name: evt.error.name, during: 'transport' });
      }
      emit({ event: 'closed', error: evt.error != null });
      if (current === this) current = null;
      if (opts.dial !== null) finish();
    });
  }

  onMessage(data) {
    const index = this.received++;
    emit({ event: 'msg', index, size: data.byteLength, sha256: sha256Hex(data) });
    if (opts.echo && !this.initiator) this.send(data, true);
  }

  // Sends run one after another, each as one write to the package's stream
  // (which makes one Noise message of up to 65,519 plaintext bytes; it splits
  // longer writes).
  send(data, echo = false) {
    this.queue = this.queue
      .then(async () => {
        if (this.closed) throw new Error('send: the connection is closed');
        if (data.byteLength === 0) {
          // Queued data first, so the empty message keeps its place.
          await this.conn.onDrain();
          const ciphertext = this.conn.handshake.encrypt(new Uint8Array(0));
          const frame = Buffer.alloc(2 + ciphertext.byteLength);
          frame.writeUInt16BE(ciphertext.byteLength, 0);
          frame.set(ciphertext instanceof Uint8Array ? ciphertext : ciphertext.subarray(), 2);
          if (!this.conn.stream.send(frame)) await this.conn.stream.onDrain();
        } else if (!this.conn.send(data)) {
          await this.conn.onDrain();
        }
        const ev = { event: 'sent', index: this.sent++, size: data.byteLength, sha256: sha256Hex(data) };
        if (echo) ev.echo = true;
        emit(ev);
      })
      .catch((err) => emit({ event: 'error', message: errMessage(err), name: err?.name, during: 'transport' }));
    return this.queue;
  }

  async close() {
    await this.queue;
    if (!this.closed) await this.conn.close();
  }
}

async function secure(socket, initiator, expected = expectedPeer) {
  const conn = new SocketConnection(socket, initiator ? 'outbound' : 'inbound');
  const options = {
    signal: AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS),
    skipStreamMuxerNegotiation: true,
  };
  if (expected !== undefined) options.remotePeer = expected;
  let result;
  try {
    result = initiator ? await encrypter.secureOutbound(conn, options) : await encrypter.secureInbound(conn, options);
  } catch (err) {
    emit({ event: 'error', message: errMessage(err), name: err?.name, during: 'handshake' });
    socket.destroy();
    if (opts.dial !== null) finish();
    return;
  }
  let s;
  try {
    s = new Secured(result, initiator);
  } catch (err) {
    emit({ event: 'error', message: errMessage(err), during: 'handshake' });
    socket.destroy();
    if (opts.dial !== null) finish();
    return;
  }
  current = s;
  emit({
    event: 'secured',
    initiator,
    peer_id: peerId.toString(),
    remote_peer_id: result.remotePeer.toString(),
    remote_key_type: keyTypeName(result.remotePeer.type),
    remote_muxers: result.remoteExtensions?.streamMuxers ?? [],
  });
}

// ---------------------------------------------------------------- listen or dial

let server = null;

function finish() {
  if (server !== null) server.close();
  process.exit(failed ? 1 : 0);
}

const hello = {
  peer_id: peerId.toString(),
  key_type: opts.keyType,
  public_key: Buffer.from(privateKey.publicKey.raw).toString('hex'),
  version,
};

if (opts.listen !== null) {
  server = net.createServer({ allowHalfOpen: false }, (socket) => {
    emit({ event: 'accepted', remote_port: socket.remotePort });
    secure(socket, false);
  });
  server.on('error', (err) => {
    emit({ event: 'error', message: errMessage(err), during: 'listen' });
    process.exit(1);
  });
  server.listen(opts.listen, '127.0.0.1', () => {
    emit({ event: 'listening', port: server.address().port, ...hello });
  });
} else {
  emit({ event: 'dialing', port: opts.dial, ...hello });
  dial(opts.dial, expectedPeer, () => process.exit(1));
}

function dial(port, expected, onConnectError) {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: false });
  socket.once('error', (err) => {
    emit({ event: 'error', message: errMessage(err), during: 'connect' });
    onConnectError();
  });
  socket.once('connect', () => {
    socket.removeAllListeners('error');
    secure(socket, true, expected);
  });
}

// ---------------------------------------------------------------- commands

async function command(line) {
  let c;
  try {
    c = JSON.parse(line);
  } catch {
    emit({ event: 'error', message: `not JSON: ${line}`, during: 'command' });
    return;
  }
  switch (c.cmd) {
    case 'send': {
      if (current === null) {
        emit({ event: 'error', message: 'send: no secured connection (wait for the secured event)', during: 'command' });
        return;
      }
      let data;
      if (typeof c.hex === 'string') {
        data = Buffer.from(c.hex, 'hex');
      } else if (Number.isInteger(c.size) && c.size >= 0 && c.size <= MAX_SEND) {
        data = patternPayload(c.size, Number.isInteger(c.seed) ? c.seed & 0xff : 0);
      } else {
        emit({ event: 'error', message: `send: bad size ${c.size} (0..${MAX_SEND})`, during: 'command' });
        return;
      }
      current.send(data);
      return;
    }
    case 'close':
      if (current !== null) await current.close();
      return;
    case 'dial': {
      // Another connection from this process (a listener dials too).
      if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) {
        emit({ event: 'error', message: `dial: bad port ${c.port}`, during: 'command' });
        return;
      }
      let expected = expectedPeer;
      if (typeof c.expect_peer === 'string') {
        try {
          expected = parseExpectedPeer(c.expect_peer);
        } catch (err) {
          emit({ event: 'error', message: `dial: bad expect_peer: ${errMessage(err)}`, during: 'command' });
          return;
        }
      } else if (c.expect_peer === null) {
        expected = undefined;
      }
      emit({ event: 'dialing', port: c.port, ...hello });
      dial(c.port, expected, () => {});
      return;
    }
    case 'sync':
      emit({ event: 'sync', tag: c.tag ?? null });
      return;
    case 'exit':
      finish();
      return;
    default:
      emit({ event: 'error', message: `unknown command: ${line}`, during: 'command' });
  }
}

const rl = readline.createInterface({ input: process.stdin });
let commands = Promise.resolve();
rl.on('line', (line) => {
  if (line.trim() === '') return;
  commands = commands.then(() => command(line));
});
rl.on('close', () => {
  commands.then(() => finish());
});
process.on('SIGTERM', () => finish());
