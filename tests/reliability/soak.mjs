// Soak, on demand (not a *.test.mjs file, so tests/run.sh does not run it): mixed load (EC creates and imports, signs,
// secret sets and gets, grant/revoke) on two instances sharing a token and storage, for HSMVAULT_SOAK_MINUTES (10 by
// default), with its own token, Azurite and hosts (lib/cluster.mjs). Prints per minute each host's RSS, threads and open
// file descriptors (sessions and handles), and at the end the audit records of the run against the answered requests.
// Required: 0 errors (every answer a success), RSS growth <= 10% after the first minute's warm-up, threads and descriptors
// stable, audit records == answered requests.
//   cd tests/reliability && node --test soak.mjs
//   HSMVAULT_SOAK_MINUTES=2 node --test soak.mjs     # a shorter run
//   HSMVAULT_SOAK_GROW=1 node --test soak.mjs       # keys and secrets added all along (RSS follows the token)
//   HSMVAULT_SOAK_KEY_EVERY=1 node --test soak.mjs   # a key made on every key turn
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Cluster } from './lib/cluster.mjs';
import { token, call } from './lib/client.mjs';
import { Ledger, client, grants, verify } from './lib/load.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MINUTES = Number(process.env.HSMVAULT_SOAK_MINUTES ?? 10);
const CLIENTS = Number(process.env.HSMVAULT_SOAK_CLIENTS ?? 4);
// A key is made on one in KEY_EVERY key turns (the other turns sign and read). After the first minute (the warm-up) the
// load stops adding keys and secrets and writes new versions of the secrets it made: SoftHSM 2.6.1 keeps every object it
// ever saw in each process's memory and searches them all, so a load that only adds grows both instances with the token
// (HSMVAULT_SOAK_GROW=1 keeps adding all along).
const KEY_EVERY = Number(process.env.HSMVAULT_SOAK_KEY_EVERY ?? 10);
const GROW = process.env.HSMVAULT_SOAK_GROW === '1';
const cluster = new Cluster({ label: 'soak' });
after(() => { cluster.stop(); if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove(); });
cluster.start();
cluster.startHost(0);
cluster.startHost(1);
const bases = cluster.hosts.map((h) => h.url);
const ca = cluster.ca;

function sample(i) {
  const pid = cluster.hostPid(i);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    rssMb: Math.round(Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024),
    threads: Number(status.match(/Threads:\s+(\d+)/)[1]),
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

/** Audit records of the default vault in [start, end], read through the auditor's records API (every page). */
async function auditRecords(operator, start, end) {
  let n = 0;
  for (let next = `/management/audit/vaults/default/records?api-version=2024-11-01&start=${start}&end=${end}&maxresults=1000`; next;) {
    const r = await call(bases[0], ca, 'GET', next, { token: operator, timeoutMs: 60_000 });
    assert.equal(r.status, 200, r.text);
    n += r.json.value.length;
    next = r.json.nextLink ? new URL(r.json.nextLink).pathname + new URL(r.json.nextLink).search : null;
  }
  return n;
}

test(`soak: ${MINUTES} min of mixed load on two instances`, { timeout: (MINUTES + 15) * 60_000 }, async () => {
  let admin = await token(bases[0], ca, cluster.tenant, cluster.admin);
  let operator = await token(bases[0], ca, cluster.tenant, cluster.operator);
  const refresh = setInterval(async () => {
    admin = await token(bases[0], ca, cluster.tenant, cluster.admin);
    operator = await token(bases[0], ca, cluster.tenant, cluster.operator);
  }, 20 * 60_000);
  const ledger = new Ledger();
  let stopped = false;
  const start = new Date(Date.now() - 1_000).toISOString();
  const warmedUp = Date.now() + 60_000;
  const running = Array.from({ length: CLIENTS }, (_, i) => client({ bases, ca, token: () => admin, ledger, stop: () => stopped, seed: i, keyEvery: KEY_EVERY, grow: () => GROW || Date.now() < warmedUp }));
  running.push(grants({ bases, ca, operatorToken: () => operator, appOid: cluster.app.oid, ledger, stop: () => stopped }));
  const samples = [];
  for (let minute = 1; minute <= MINUTES; minute++) {
    await sleep(60_000);
    const s = [sample(0), sample(1)];
    samples.push(s);
    const answered = [...ledger.answers.values()].reduce((a, b) => a + b, 0);
    console.log(`soak minute ${minute}: ${answered} answered; ` + s.map((h, i) => `host${i} RSS ${h.rssMb} MB, ${h.threads} threads, ${h.fds} fds`).join('; '));
  }
  stopped = true;
  await Promise.all(running);
  clearInterval(refresh);
  await sleep(5_000); // the audit's last segment commits
  const end = new Date().toISOString();
  const answered = [...ledger.answers.values()].reduce((a, b) => a + b, 0);
  const records = await auditRecords(operator, start, end);
  const grantCalls = [...ledger.answers].filter(([k]) => /^(grant|revoke) /.test(k)).reduce((a, [, v]) => a + v, 0);
  console.log(`soak: ${MINUTES} min, ${CLIENTS} clients + grant/revoke on two instances: answers ${JSON.stringify(ledger.summary())}; ` +
    `audit records of the default vault ${records} for ${answered} answered requests (${grantCalls} of them access-policy changes)`);
  const warm = samples[0], last = samples[samples.length - 1];
  for (const i of [0, 1]) {
    console.log(`soak host${i}: RSS ${warm[i].rssMb} -> ${last[i].rssMb} MB after warm-up (${(100 * (last[i].rssMb / warm[i].rssMb - 1)).toFixed(1)}%), ` +
      `threads ${warm[i].threads} -> ${last[i].threads}, fds ${warm[i].fds} -> ${last[i].fds}`);
  }
  const problems = await verify({ bases, ca, token: () => admin, ledger, concurrency: 8 });
  console.log(`soak: afterwards ${ledger.keys.length - problems.filter((p) => p.startsWith('acknowledged key')).length} of ${ledger.keys.length} acknowledged keys sign ` +
    `and ${ledger.secrets.length - problems.filter((p) => p.startsWith('acknowledged secret')).length} of ${ledger.secrets.length} secrets read back, on both instances in turn`);
  if (problems.length) console.log(`soak: problems (at most 20):\n  ${problems.slice(0, 20).join('\n  ')}`);
  if (ledger.samples.length) console.log(`soak: answers other than 2xx (at most 50):\n  ${ledger.samples.join('\n  ')}`);
  assert.deepEqual(ledger.bad, [], 'errors under a plain load');
  const failures = [...ledger.answers].filter(([k]) => !/ 20\d$/.test(k));
  assert.deepEqual(failures, [], 'every answer a success');
  for (const i of [0, 1]) {
    if (samples.length > 1) assert.ok(last[i].rssMb <= warm[i].rssMb * 1.1, `host${i} RSS grew from ${warm[i].rssMb} to ${last[i].rssMb} MB`);
    assert.ok(last[i].fds <= warm[i].fds + 20, `host${i} descriptors grew from ${warm[i].fds} to ${last[i].fds}`);
  }
  assert.equal(records, answered, 'one audit record per answered request');
  assert.deepEqual(problems, [], 'every acknowledged write works afterwards');
});
