// Cross-instance key visibility, on demand (not a *.test.mjs file, so tests/run.sh does not run it): two instances share
// one SoftHSM2 token and storage (lib/cluster.mjs); EC keys are made on one and signed with at once on the other, then
// again (immediately, after 0.2 s and 1 s) when that first sign failed. Prints how many first signs failed and how many
// keys stayed unusable on the other instance, and whether a new instance sees those. It found the template-lifetime bug
// (HeldAttributeFactory, README Reliability): keys stored under garbage ids, which only their maker's cached handle could use.
//   cd tests/reliability && node --test cross-instance.mjs
//   HSMVAULT_KEYS=300 HSMVAULT_CLIENTS=4 node --test cross-instance.mjs
import { test, after } from 'node:test';
import { Cluster } from './lib/cluster.mjs';
import { token, call, API, digest, newName } from './lib/client.mjs';

const KEYS = Number(process.env.HSMVAULT_KEYS ?? 1200);
const CLIENTS = Number(process.env.HSMVAULT_CLIENTS ?? 4);
const cluster = new Cluster({ label: 'cross' });
after(() => { cluster.stop(); if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove(); });
cluster.start();
cluster.startHost(0);
cluster.startHost(1);
const bases = cluster.hosts.map((h) => h.url);

test(`cross-instance: ${KEYS} keys made on one instance, signed with on the other`, { timeout: 30 * 60_000 }, async () => {
  const ca = cluster.ca;
  const admin = await token(bases[0], ca, cluster.tenant, cluster.admin);
  const sign = (base, path, name) => call(base, ca, 'POST', `${path}/sign?${API}`, { token: admin, body: { alg: 'ES256', value: digest(name) } });
  let made = 0, firstFailed = 0, next = 0;
  const unusable = [];
  const one = async (i) => {
    const name = newName('k');
    const c = await call(bases[i % 2], ca, 'POST', `/keys/${name}/create?${API}`, { token: admin, body: { kty: 'EC', crv: 'P-256' } });
    if (c.status !== 200) return;
    made++;
    const path = new URL(c.json.key.kid).pathname;
    const other = bases[(i + 1) % 2];
    if ((await sign(other, path, name)).status === 200) return;
    firstFailed++;
    const later = [];
    for (const pause of [0, 200, 1000]) {
      await new Promise((r) => setTimeout(r, pause));
      later.push((await sign(other, path, name)).status);
    }
    if (later.at(-1) !== 200) unusable.push({ name, path, text: `${name} (on the other instance: ${later.join(', ')}; on its maker: ${(await sign(bases[i % 2], path, name)).status}` });
  };
  await Promise.all(Array.from({ length: CLIENTS }, async () => { while (next < KEYS) await one(next++); }));
  if (unusable.length) {
    // A third instance, started now, reads the token afresh: does it see the keys the other instance kept missing?
    const fresh = cluster.startHost(2).url;
    for (const u of unusable) u.text += `; on a new instance: ${(await sign(fresh, u.path, u.name)).status})`;
  }
  console.log(`cross-instance: ${made} keys made, ${firstFailed} first signs on the other instance failed, ` +
    `${unusable.length} keys still failing there after 1.2 s${unusable.length ? ':\n  ' + unusable.map((u) => u.text).join('\n  ') : ''}`);
});
