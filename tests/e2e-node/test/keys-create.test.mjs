// Key generation through KeyClient: the returned public JWK must work outside the vault.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { keyClient, uniqueName, hostIsUp } from '../lib/clients.mjs';
import { publicKeyFromSdkJwk } from '../lib/crypto-outside.mjs';

const PRIVATE_PARTS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 't'];
const assertNoPrivateParts = (jwk) => {
  for (const f of PRIVATE_PARTS) assert.equal(jwk[f], undefined, `JWK must not contain ${f}`);
};

describe('create keys', () => {
  let client;
  before(async () => { await hostIsUp(); client = keyClient(); });

  for (const keySize of [2048, 3072, 4096]) {
    it(`RSA ${keySize}: public n/e only, usable by node:crypto`, async () => {
      const name = uniqueName(`rsa${keySize}`);
      const key = await client.createRsaKey(name, { keySize });
      assert.equal(key.name, name);
      assert.equal(key.keyType, 'RSA');
      assert.ok(key.id.startsWith(`${client.vaultUrl.replace(/\/$/, '')}/keys/${name}/`), key.id);
      assert.equal(key.key.n.length * 8, keySize);
      assert.deepEqual(Buffer.from(key.key.e), Buffer.from([1, 0, 1]));
      assertNoPrivateParts(key.key);
      assert.equal(publicKeyFromSdkJwk(key.key).asymmetricKeyDetails.modulusLength, keySize);
      assert.equal(key.properties.enabled, true);
    });
  }

  it('RSA-HSM via createKey(hsm: true)', async () => {
    const key = await client.createRsaKey(uniqueName('rsahsm'), { keySize: 2048, hsm: true });
    assert.equal(key.keyType, 'RSA-HSM');
    assertNoPrivateParts(key.key);
  });

  const curves = { 'P-256': ['prime256v1', 32], 'P-384': ['secp384r1', 48], 'P-521': ['secp521r1', 66] };
  for (const [curve, [nodeCurve, len]] of Object.entries(curves)) {
    it(`EC ${curve}: public x/y only, usable by node:crypto`, async () => {
      const key = await client.createEcKey(uniqueName('ec'), { curve });
      assert.equal(key.keyType, 'EC');
      assert.equal(key.key.crv, curve);
      assert.equal(key.key.x.length, len);
      assert.equal(key.key.y.length, len);
      assertNoPrivateParts(key.key);
      assert.equal(publicKeyFromSdkJwk(key.key).asymmetricKeyDetails.namedCurve, nodeCurve);
    });
  }

  it('EC P-256K: created, or 400 saying the token does not support it', async () => {
    try {
      const key = await client.createEcKey(uniqueName('ec256k'), { curve: 'P-256K' });
      assert.equal(key.key.crv, 'P-256K');
      assert.equal(publicKeyFromSdkJwk(key.key).asymmetricKeyDetails.namedCurve, 'secp256k1');
    } catch (e) {
      assert.equal(e.statusCode, 400, e.message);
      assert.match(e.message, /P-256K/);
      assert.match(e.message, /support/i);
    }
  });

  for (const keySize of [128, 192, 256]) {
    for (const hsm of [true, false]) {
      it(`oct ${keySize} hsm=${hsm}: no key bytes returned`, async () => {
        const key = await client.createOctKey(uniqueName(`oct${keySize}`), { keySize, hsm });
        assert.equal(key.keyType, hsm ? 'oct-HSM' : 'oct');
        assert.equal(key.key.k, undefined);
      });
    }
  }

  it('creating a second version keeps the first retrievable', async () => {
    const name = uniqueName('ver');
    const v1 = await client.createEcKey(name, { curve: 'P-256' });
    const v2 = await client.createEcKey(name, { curve: 'P-256' });
    assert.notEqual(v1.properties.version, v2.properties.version);
    const latest = await client.getKey(name);
    assert.equal(latest.properties.version, v2.properties.version);
    const old = await client.getKey(name, { version: v1.properties.version });
    assert.deepEqual(Buffer.from(old.key.x), Buffer.from(v1.key.x));
    assert.ok(crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from(old.key.x).toString('base64url'), y: Buffer.from(old.key.y).toString('base64url') }, format: 'jwk' }));
  });
});
