// Cold start of the standalone host: from the moment its process is started (start-test-host.sh writes host.pid right
// after launching dotnet) to the first answered authenticated request (GET /keys) and to the first signature, median of N.
// Each instance shares the benchmark host's token and storage and trusts its identity provider.
// Usage: node cold-start.mjs PRIMARY_DIR FREE_PORT_SCRIPT [RUNS]   (env: HSMVAULT_TEST_* from the primary's host.env, BENCH_TOKEN)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [primary, freePort, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const repo = resolve(import.meta.dirname, '../..');
const ca = readFileSync(process.env.HSMVAULT_TEST_CA);
const token = process.env.BENCH_TOKEN;
const digest = Buffer.alloc(32, 7).toString('base64url');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function call(port, method, path, body) {
  return new Promise((ok) => {
    const req = https.request({ host: 'localhost', port, method, path, ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => { let t = ''; res.on('data', (c) => { t += c; }); res.on('end', () => ok({ status: res.statusCode, text: t })); });
    req.on('error', () => ok({ status: 0, text: '' }));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'hsmvault-cold-'));
  const port = Number(execFileSync('bash', [freePort], { encoding: 'utf8' }).trim());
  const script = spawn('bash', [join(repo, 'infra/local/start-test-host.sh'), dir, primary], {
    env: { ...process.env, HSMVAULT_TEST_PORT: String(port) }, stdio: 'ignore',
  });
  while (!existsSync(join(dir, 'host.pid'))) await sleep(2);
  const started = performance.now();
  let answered;
  for (;;) {
    const r = await call(port, 'GET', '/keys?api-version=7.6&maxresults=1');
    if (r.status === 200) { answered = performance.now() - started; break; }
    if (performance.now() - started > 60_000) throw new Error(`no answer within 60 s (last status ${r.status})`);
    await sleep(5);
  }
  const key = JSON.parse((await call(port, 'GET', '/keys/bench-ec?api-version=7.6')).text);
  const signed = await call(port, 'POST', `${new URL(key.key.kid).pathname}/sign?api-version=7.6`, { alg: 'ES256', value: digest });
  if (signed.status !== 200) throw new Error(`first signature: ${signed.status} ${signed.text.slice(0, 200)}`);
  const firstSign = performance.now() - started;
  results.push({ answered, firstSign });
  // start-test-host.sh exits once the host printed "ready" (often before the first signature): wait only if it has not yet.
  if (script.exitCode === null && script.signalCode === null) await new Promise((r) => script.once('exit', r));
  try { process.kill(Number(readFileSync(join(dir, 'host.pid'), 'utf8')), 'SIGTERM'); } catch { /* gone */ }
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({
  op: 'cold-start', runs,
  first_answer_ms: median(results.map((r) => r.answered)), first_sign_ms: median(results.map((r) => r.firstSign)),
  all: results.map((r) => [Math.round(r.answered), Math.round(r.firstSign)]),
}));
