// Hold your own key: a vault bound to the customer's own HSM token, reached through a second copy of the PKCS#11 module
// (tests/run.sh makes both), so the host really loads two modules. The official SDK talks to both vaults. Objects counted
// on each token (by label) prove that the bound vault's keys and its secret-sealing key live only on the customer's token.
// The kill switch: the PIN changed, then the token moved away; each closes that vault (503 HsmUnavailable + Retry-After)
// while the deployment's vault keeps serving, and each is undone with the vault serving again by itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, renameSync, existsSync } from 'node:fs';
import { KeyClient, CryptographyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { env } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { mgmt, onVault, vaultName } from '../lib/access.mjs';
import { adminCredential } from '../lib/credential.mjs';
import { keyClient, uniqueName, hostIsUp } from '../lib/clients.mjs';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
function need(name) {
  if (!process.env[name]) throw new Error(`${name} is not set: run the tests through 'bash tests/run.sh'`);
  return process.env[name];
}
const customer = {
  get module() { return need('HSMVAULT_TEST_CUSTOMER_MODULE'); },
  get label() { return need('HSMVAULT_TEST_CUSTOMER_LABEL'); },
  get pin() { return need('HSMVAULT_TEST_CUSTOMER_PIN'); },
  get pinReference() { return need('HSMVAULT_TEST_CUSTOMER_PINREF'); },
};
const deployment = { get label() { return need('HSMVAULT_TEST_TOKEN_LABEL'); }, get pin() { return need('HSMVAULT_TEST_PIN'); } };

/** Labels of the key objects on a token (logged in), read with opensc's pkcs11-tool through the system's module. */
function labels(token) {
  const out = execFileSync('pkcs11-tool', ['--module', MODULE, '--token-label', token.label, '--login', '--pin', token.pin, '--list-objects'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const found = [];
  let inKey = false;
  for (const line of out.split('\n')) {
    if (/^\S/.test(line)) inKey = /^(Private Key|Public Key|Secret Key) Object/.test(line);
    const m = inKey && line.match(/^\s+label:\s+(.*)$/);
    if (m) found.push(m[1].trim());
  }
  return found;
}
const ofVault = (token, vault) => labels(token).filter((l) => l.startsWith(`${vault}/`));

/** The SDK on a vault's own host name ({vault}.localhost resolved to loopback here, the test CA trusted). */
function sdkOptions() {
  const agent = new https.Agent({
    ca: env.ca,
    lookup: (_h, o, cb) => (o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
    checkServerIdentity: (host, cert) => {
      const [label, ...rest] = host.split('.');
      const names = (cert.subjectaltname ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4).toLowerCase());
      return label && names.includes(`*.${rest.join('.')}`.toLowerCase()) ? undefined : tls.checkServerIdentity(host, cert);
    },
  });
  return { agent, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
}
const vaultUrl = (vault) => { const u = new URL(env.url); u.hostname = `${vault}.${u.hostname}`; return u.origin; };

/** The customer's token directory in the shared SoftHSM2 token store (its token.object holds its label). */
function tokenDirectory(label) {
  const dir = readFileSync(need('SOFTHSM2_CONF'), 'utf8').match(/^directories\.tokendir\s*=\s*(.+)$/m)[1].trim();
  const found = readdirSync(dir).map((d) => path.join(dir, d))
    .filter((d) => existsSync(path.join(d, 'token.object')) && readFileSync(path.join(d, 'token.object')).includes(Buffer.from(label)));
  assert.equal(found.length, 1, `token directory of ${label}`);
  return found[0];
}

function changePin(from, to) {
  execFileSync('pkcs11-tool', ['--module', MODULE, '--token-label', customer.label, '--login', '--pin', from, '--change-pin', '--new-pin', to],
    { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Polls until check() returns something truthy; returns [result, milliseconds since start]. */
async function until(what, check, ms = 10_000) {
  const start = Date.now();
  for (;;) {
    const r = await check();
    if (r) return [r, Date.now() - start];
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe("a vault bound to the customer's own HSM", { concurrency: false }, () => {
  const vault = vaultName('cust');
  const digest = createHash('sha256').update('held by the customer').digest();
  let keys, secrets, rsaKid, restore;

  before(async () => {
    await hostIsUp();
    const r = await mgmt('PUT', `vaults/${vault}`, { body: { properties: {
      tenantId: env.tenant,
      accessPolicies: [{ objectId: env.adminOid, permissions: { keys: ['all'], secrets: ['all'] } }],
      hsm: { modulePath: customer.module, tokenLabel: customer.label, pinReference: customer.pinReference },
    } } });
    assert.equal(r.status, 201, show(r));
    keys = new KeyClient(vaultUrl(vault), adminCredential(), sdkOptions());
    secrets = new SecretClient(vaultUrl(vault), adminCredential(), sdkOptions());
  });

  after(() => { restore?.(); });

  it('shows its binding with the PIN reference, never the PIN', async () => {
    const r = await mgmt('GET', `vaults/${vault}`);
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json.properties.hsm,
      { modulePath: customer.module, tokenLabel: customer.label, pinReference: customer.pinReference });
    assert.equal(r.json.properties.hsmTokenLabel, customer.label);
    assert.ok(!r.text.includes(customer.pin));
  });

  it('refuses a module off the allowlist, a missing or unknown PIN reference, a PIN in its place, no or two token names (400)', async () => {
    const base = { modulePath: customer.module, tokenLabel: customer.label, pinReference: customer.pinReference };
    for (const hsm of [
      { ...base, modulePath: '/tmp/evil-pkcs11.so' },
      { ...base, modulePath: MODULE }, // the deployment's module is not on the customer allowlist
      { ...base, pinReference: undefined },
      { ...base, pinReference: 'no-such-setting' },
      { ...base, pinReference: customer.pin },
      { ...base, tokenLabel: undefined },
      { ...base, tokenSerial: '0123456789abcdef' },
    ]) {
      const r = await mgmt('PUT', `vaults/${vaultName('custbad')}`, { body: { properties: { tenantId: env.tenant, hsm } } });
      assert.equal(r.status, 400, `${JSON.stringify(hsm)}: ${show(r)}`);
      assert.equal(r.json.error.code, 'BadParameter');
      assert.ok(!r.text.includes(customer.pin), 'PIN echoed');
    }
  });

  it("keeps its keys and its secret-sealing key on the customer's token only; the deployment's vault stays on its own", async () => {
    const ec = await keys.createEcKey(uniqueName('cust-ec'), { curve: 'P-256' });
    const rsa = await keys.createRsaKey(uniqueName('cust-rsa'), { keySize: 2048 });
    rsaKid = rsa.id;
    const signed = await new CryptographyClient(ec.id, adminCredential(), sdkOptions()).sign('ES256', digest);
    assert.equal(signed.result.length, 64);
    await secrets.setSecret(uniqueName('cust-s'), 'sealed on the customer token');
    const other = await keyClient().createEcKey(uniqueName('deploy-ec'), { curve: 'P-256' });

    const onCustomer = ofVault(customer, vault);
    // Two objects per key pair, one secret-sealing key.
    assert.equal(onCustomer.filter((l) => l.startsWith(`${vault}/${ec.name}/`)).length, 2, onCustomer.join('\n'));
    assert.equal(onCustomer.filter((l) => l.startsWith(`${vault}/${rsa.name}/`)).length, 2, onCustomer.join('\n'));
    assert.deepEqual(onCustomer.filter((l) => l === `${vault}/secret-encryption`), [`${vault}/secret-encryption`]);
    assert.equal(onCustomer.length, 5);
    assert.deepEqual(ofVault(deployment, vault), [], "the bound vault left objects on the deployment's token");
    assert.equal(ofVault(deployment, 'default').filter((l) => l.includes(`/${other.name}/`)).length, 2);
    assert.equal(ofVault(customer, 'default').length, 0, "the deployment's vault left objects on the customer's token");
  });

  it("backs up with the customer token's own backup key: the blob restores there, not into a vault on the deployment's token", async () => {
    const name = uniqueName('cust-bk');
    await keys.createEcKey(name, { curve: 'P-256' });
    const blob = await keys.backupKey(name);
    await keys.beginDeleteKey(name).then((p) => p.pollUntilDone());
    await keys.purgeDeletedKey(name);
    const r = await onVault('default', 'POST', '/keys/restore', { as: env.admin, body: { value: Buffer.from(blob).toString('base64url') } });
    assert.equal(r.status, 400, show(r));
    const restored = await keys.restoreKeyBackup(blob);
    assert.equal(restored.name, name);
  });

  it('cannot change HSM while it holds keys (409)', async () => {
    const r = await mgmt('PATCH', `vaults/${vault}`, { body: { properties: { hsm: {
      modulePath: customer.module, tokenLabel: deployment.label, pinReference: customer.pinReference } } } });
    assert.equal(r.status, 409, show(r));
  });

  for (const [cut, how] of [
    ['the PIN is changed', () => { const next = randomBytes(8).toString('hex'); changePin(customer.pin, next); return () => changePin(next, customer.pin); }],
    ['the token is moved away', () => {
      // Out of the token directory: SoftHSM takes every folder in it for a token, whatever its name.
      const dir = tokenDirectory(customer.label);
      const away = path.join(path.dirname(path.dirname(dir)), `away-${path.basename(dir)}`);
      renameSync(dir, away);
      return () => renameSync(away, dir);
    }],
  ]) {
    it(`kill switch: ${cut} → that vault answers 503 HsmUnavailable, the deployment's vault serves, and it comes back alone`, async () => {
      const sign = () => onVault(vault, 'POST', `${new URL(rsaKid).pathname}/sign`,
        { as: env.admin, body: { alg: 'RS256', value: digest.toString('base64url') } });
      assert.equal((await sign()).status, 200);
      restore = how();
      // A call already past the check when the token goes may fail inside the HSM (503 ServiceUnavailable); from the next
      // recheck on, the vault refuses before any HSM call (503 HsmUnavailable).
      const [first, closedMs] = await until('the vault to close', async () => { const r = await sign(); return r.status === 503 ? r : null; });
      assert.ok(Number(first.headers['retry-after']) >= 1, 'Retry-After');
      const [closed] = await until('HsmUnavailable', async () => {
        const r = await sign();
        assert.equal(r.status, 503, show(r));
        return r.json.error.code === 'HsmUnavailable' ? r : null;
      }, 2_000);
      assert.ok(Number(closed.headers['retry-after']) >= 1, 'Retry-After');
      assert.doesNotMatch(closed.text, /CKR_/);
      assert.ok(!closed.text.includes(customer.pin));
      // Key ids and metadata still read; the deployment's vault is not affected.
      assert.equal((await onVault(vault, 'GET', new URL(rsaKid).pathname, { as: env.admin })).status, 200);
      const other = await keyClient().createEcKey(uniqueName('still-serving'), { curve: 'P-256' });
      assert.equal((await new CryptographyClient(other.id, adminCredential(), sdkOptions()).sign('ES256', digest)).result.length, 64);
      const still = await sign();
      assert.equal(still.status, 503, 'the vault reopened while still cut off');

      restore();
      restore = undefined;
      const [, backMs] = await until('the vault to serve again', async () => (await sign()).status === 200);
      console.log(`# kill switch (${cut}): closed after ${closedMs} ms, serving again ${backMs} ms after the undo`);
      assert.ok(closedMs < 1_500, `closed after ${closedMs} ms`);
    });
  }
});
