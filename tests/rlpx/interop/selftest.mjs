// Self-test of ethjs_peer.mjs: two instances talk to each other on 127.0.0.1.
// Run through selftest.sh (or: POLYWIRE_NODE_MODULES=... node selftest.mjs). Takes a few seconds.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'ethjs_peer.mjs');
const KEY_A = '11'.repeat(32);
const KEY_B = '22'.repeat(32);
const KEY_C = '33'.repeat(32);
const KEY_D = '44'.repeat(32);

let failures = 0;
function check(cond, what) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

class Proc {
  constructor(name, args, env = process.env) {
    this.name = name;
    this.events = [];
    this.waiters = [];
    this.stderr = '';
    this.child = spawn(process.execPath, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    let buf = '';
    this.child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let ev;
        try {
          ev = JSON.parse(line);
        } catch {
          failures++;
          console.log(`FAIL ${name}: non-JSON line on stdout: ${line}`);
          continue;
        }
        if (process.env.VERBOSE) console.log(`  ${name} <- ${line}`);
        this.events.push(ev);
        this.waiters = this.waiters.filter((w) => !w(ev));
      }
    });
    this.child.stderr.on('data', (d) => (this.stderr += d));
  }
  send(cmd) {
    if (process.env.VERBOSE) console.log(`  ${this.name} -> ${JSON.stringify(cmd)}`);
    this.child.stdin.write(JSON.stringify(cmd) + '\n');
  }
  // Resolves with the first event (already seen since `from`, or future) matching pred.
  waitFor(pred, what, timeoutMs = 5000, from = 0) {
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter = (ev) => {
        if (!pred(ev)) return false;
        clearTimeout(t);
        resolve(ev);
        return true;
      };
      this.waiters.push(waiter);
    });
  }
  kill() {
    this.child.kill('SIGKILL');
  }
}

const pattern = (size, seed) => {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};
const sha = (b) => createHash('sha256').update(b).digest('hex');

const procs = [];
async function main() {
  // 1. Missing package -> exit code 2.
  {
    const p = new Proc('nopkg', ['--key', KEY_A, '--listen', '0'], {
      ...process.env,
      POLYWIRE_NODE_MODULES: '/nonexistent/node_modules',
    });
    const code = await p.exited;
    check(code === 2 && /cannot find @ethereumjs\/devp2p/.test(p.stderr), 'missing package: exit 2 with a message');
  }
  // Bad arguments -> exit code 2.
  {
    const p = new Proc('badargs', ['--listen', '0']);
    check((await p.exited) === 2, 'missing --key: exit 2');
  }

  // 2. A listens (echo), B dials.
  const a = new Proc('A', ['--key', KEY_A, '--listen', '0', '--echo']);
  procs.push(a);
  const la = await a.waitFor((e) => e.event === 'listening', 'listening');
  check(a.events[0].event === 'listening', 'listening is the first event');
  check(/^[0-9a-f]{128}$/.test(la.id) && la.port > 0, `A listening on ${la.port}`);

  const b = new Proc('B', ['--key', KEY_B, '--dial', `${la.id}@127.0.0.1:${la.port}`]);
  procs.push(b);
  const ha = await a.waitFor((e) => e.event === 'hello', 'hello');
  const hb = await b.waitFor((e) => e.event === 'hello', 'hello');
  const lbId = ha.remote_id;
  check(hb.remote_id === la.id, 'B sees A\'s id in Hello');
  check(/^[0-9a-f]{128}$/.test(lbId), 'A sees a 128-hex id in Hello');
  check(ha.protocol_version === 5 && ha.caps.join(',') === 'test/1', `Hello fields: ${JSON.stringify(ha)}`);
  check(hb.listen_port === la.port, 'A advertises its listening port in Hello');

  // 3. Messages of several sizes, B -> A, echoed back by A.
  let seed = 7;
  for (const [code, size] of [
    [0, 0],
    [1, 1],
    [7, 1024],
    [3, 1048576],
  ]) {
    seed++;
    const want = sha(pattern(size, seed));
    const nA = a.events.length;
    const nB = b.events.length;
    b.send({ cmd: 'send', code, size, seed });
    const sent = await b.waitFor((e) => e.event === 'sent', 'sent', 5000, nB);
    check(sent.code === code && sent.size === size && sent.sha256 === want, `B sent code ${code} size ${size}`);
    const got = await a.waitFor((e) => e.event === 'msg', `msg ${size}`, 5000, nA);
    check(got.code === code && got.size === size && got.sha256 === want, `A received code ${code} size ${size}`);
    const echo = await b.waitFor((e) => e.event === 'msg', `echo ${size}`, 5000, nB);
    check(echo.code === code && echo.size === size && echo.sha256 === want, `B received echo of size ${size}`);
  }

  // Exact bytes with hex.
  {
    const nA = a.events.length;
    b.send({ cmd: 'send', code: 2, hex: 'c3010203' });
    const got = await a.waitFor((e) => e.event === 'msg', 'hex msg', 5000, nA);
    check(got.size === 4 && got.sha256 === sha(Buffer.from('c3010203', 'hex')), 'hex payload');
  }

  // 4. Out of range code is refused locally (no off-by-one).
  {
    const nB = b.events.length;
    b.send({ cmd: 'send', code: 8, size: 1, seed: 0 });
    const err = await b.waitFor((e) => e.event === 'error', 'error', 5000, nB);
    check(/out of range/.test(err.message), `code 8 refused: ${err.message}`);
  }
  // Bad JSON and unknown commands give errors, not crashes.
  {
    const nB = b.events.length;
    b.child.stdin.write('not json\n');
    await b.waitFor((e) => e.event === 'error' && /not JSON/.test(e.message), 'bad json error', 5000, nB);
    b.send({ cmd: 'frobnicate' });
    await b.waitFor((e) => e.event === 'error' && /unknown cmd/.test(e.message), 'unknown cmd error', 5000, nB);
    check(true, 'bad commands reported as errors');
  }

  // 5. Ping/Pong.
  {
    const nA = a.events.length;
    const nB = b.events.length;
    b.send({ cmd: 'ping' });
    await a.waitFor((e) => e.event === 'ping', 'ping', 5000, nA);
    await b.waitFor((e) => e.event === 'pong', 'pong', 5000, nB);
    check(true, 'ping from B seen by A, pong seen by B');
  }

  // 6. A -> B without echo.
  {
    const nB = b.events.length;
    a.send({ cmd: 'send', code: 5, size: 100, seed: 200 });
    const got = await b.waitFor((e) => e.event === 'msg', 'msg', 5000, nB);
    check(got.code === 5 && got.sha256 === sha(pattern(100, 200)), 'A -> B message');
  }

  // 7. A wrong-key dial: C dials A's port but encrypts to D's key. A cannot decrypt the auth.
  const d = new Proc('D', ['--key', KEY_D, '--listen', '0']);
  procs.push(d);
  const ld = await d.waitFor((e) => e.event === 'listening', 'listening');
  {
    const nA = a.events.length;
    const c = new Proc('C', ['--key', KEY_C, '--dial', `${ld.id}@127.0.0.1:${la.port}`]);
    procs.push(c);
    const err = await a.waitFor((e) => e.event === 'error', 'auth error', 5000, nA);
    check(/valid tag/.test(err.message) && err.state === 'Auth', `wrong-key auth: ${JSON.stringify(err)}`);
    c.send({ cmd: 'exit' });
    check((await c.exited) === 0, 'C exits 0 on exit');
  }

  // 8. Disconnect with reason 8 (B -> A), ethjs' own form.
  {
    const nA = a.events.length;
    const nB = b.events.length;
    b.send({ cmd: 'disconnect', reason: 8 });
    const ds = await b.waitFor((e) => e.event === 'disconnect_sent', 'disconnect_sent', 5000, nB);
    check(ds.reason === 8, 'B disconnect_sent 8');
    const dis = await a.waitFor((e) => e.event === 'disconnect', 'disconnect', 5000, nA);
    check(dis.reason === 8, `A got disconnect reason ${dis.reason}`);
    const cl = await a.waitFor((e) => e.event === 'closed', 'closed', 5000, nA);
    check(cl.by === 'remote' && cl.reason === 8, `A closed: ${JSON.stringify(cl)}`);
    const clb = await b.waitFor((e) => e.event === 'closed', 'closed', 5000, nB);
    check(clb.by === 'local' && clb.reason === 8, `B closed: ${JSON.stringify(clb)}`);
  }

  // 9. Reconnect, then disconnect in geth's list form with reason 0; then exit on stdin EOF.
  {
    const b2 = new Proc('B2', ['--key', KEY_B, '--dial', `${la.id}@127.0.0.1:${la.port}`, '--no-keepalive']);
    procs.push(b2);
    const nA = a.events.length;
    await b2.waitFor((e) => e.event === 'hello', 'hello');
    await a.waitFor((e) => e.event === 'hello', 'hello', 5000, nA);
    b2.send({ cmd: 'disconnect', reason: 0, form: 'list' });
    const dis = await a.waitFor((e) => e.event === 'disconnect', 'disconnect', 5000, nA);
    check(dis.reason === 0, `list-form disconnect reason 0: got ${dis.reason}`);
    b2.child.stdin.end();
    check((await b2.exited) === 0, 'B2 exits 0 on stdin EOF');
  }

  // 10. A disconnects B3 with reason 4 in ethjs' form: B3 sees it.
  {
    const b3 = new Proc('B3', ['--key', KEY_B, '--dial', `${la.id}@127.0.0.1:${la.port}`]);
    procs.push(b3);
    const nA = a.events.length;
    await b3.waitFor((e) => e.event === 'hello', 'hello');
    await a.waitFor((e) => e.event === 'hello', 'hello', 5000, nA);
    a.send({ cmd: 'disconnect', reason: 4 });
    const dis = await b3.waitFor((e) => e.event === 'disconnect', 'disconnect');
    check(dis.reason === 4, `A -> B3 disconnect reason 4: got ${dis.reason}`);
    b3.send({ cmd: 'exit' });
    check((await b3.exited) === 0, 'B3 exits 0');
  }

  // 11. Error paths, each on a fresh connection to A.
  async function fresh(name, extraArgs = []) {
    const p = new Proc(name, ['--key', KEY_B, '--dial', `${la.id}@127.0.0.1:${la.port}`, ...extraArgs]);
    procs.push(p);
    return p;
  }
  // No shared capability: both sides send Disconnect(0x03) right after the Hello.
  {
    const nA = a.events.length;
    const p = await fresh('B4', ['--cap', 'other/1:4']);
    const h = await a.waitFor((e) => e.event === 'hello', 'hello', 5000, nA);
    const ds = await a.waitFor((e) => e.event === 'disconnect_sent', 'disconnect_sent', 5000, nA);
    check(h.caps.join(',') === 'other/1' && ds.reason === 3, 'no shared cap: hello, then Disconnect(3)');
    p.send({ cmd: 'exit' });
    await p.exited;
    await a.waitFor((e) => e.event === 'closed', 'closed', 5000, nA);
  }
  // Uncompressed payload after a v5 Hello: 'Invalid Snappy bitstream', Disconnect(0x10).
  {
    const nA = a.events.length;
    const p = await fresh('B5');
    await a.waitFor((e) => e.event === 'hello', 'hello', 5000, nA);
    await p.waitFor((e) => e.event === 'hello', 'hello');
    p.send({ cmd: 'send', code: 1, size: 100, seed: 1, compress: false });
    const err = await a.waitFor((e) => e.event === 'error', 'error', 5000, nA);
    check(/Invalid Snappy/.test(err.message), `uncompressed payload: ${err.message}`);
    const dis = await p.waitFor((e) => e.event === 'disconnect', 'disconnect');
    check(dis.reason === 16, `... and the sender gets Disconnect(${dis.reason})`);
    p.send({ cmd: 'exit' });
    await p.exited;
    await a.waitFor((e) => e.event === 'closed', 'closed', 5000, nA);
  }
  // A frame over 0xFFFFFF bytes, which ethjs sends broken: the receiver reports 'Invalid MAC'.
  {
    const nA = a.events.length;
    const p = await fresh('B6');
    await a.waitFor((e) => e.event === 'hello', 'hello', 5000, nA);
    await p.waitFor((e) => e.event === 'hello', 'hello');
    const nP = p.events.length;
    p.send({ cmd: 'send', code: 1, size: 0x1000000, seed: 1, compress: false });
    const refused = await p.waitFor((e) => e.event === 'error', 'error', 5000, nP);
    check(/exceeds the RLPx limit/.test(refused.message), 'oversized frame refused without unchecked');
    p.send({ cmd: 'send', code: 1, size: 0x1000000, seed: 1, compress: false, unchecked: true });
    const err = await a.waitFor((e) => e.event === 'error', 'error', 5000, nA);
    check(/^Invalid MAC/.test(err.message), `oversized frame: ${err.message}`);
    p.send({ cmd: 'exit' });
    await p.exited;
    await a.waitFor((e) => e.event === 'closed', 'closed', 5000, nA);
  }

  // 12. exit closes everything.
  for (const p of [a, b, d]) p.send({ cmd: 'exit' });
  for (const p of [a, b, d]) check((await p.exited) === 0, `${p.name} exits 0`);
  for (const p of procs) {
    if (p.stderr.trim() !== '') console.log(`-- ${p.name} stderr:\n${p.stderr}`);
  }
}

const started = Date.now();
const watchdog = setTimeout(() => {
  console.log('FAIL overall timeout');
  for (const p of procs) p.kill();
  process.exit(1);
}, 30000);
main()
  .catch((err) => {
    failures++;
    console.log(`FAIL ${err.message}`);
  })
  .finally(() => {
    clearTimeout(watchdog);
    for (const p of procs) p.kill();
    console.log(`${failures === 0 ? 'PASS' : 'FAILED'} (${failures} failures, ${Date.now() - started} ms)`);
    process.exit(failures === 0 ? 0 : 1);
  });
