// BYOK as JWK: keys made by node:crypto are imported with their private parts, then used in the vault
// and checked outside. The vault must never hand the private parts back.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { keyClient, cryptoClient, uniqueName, hostIsUp } from '../lib/clients.mjs';
import { sdkJwkFromNode, verifyOutside, digest } from '../lib/crypto-outside.mjs';

const data = Buffer.from('imported key test');
const PRIVATE_PARTS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

describe('importKey', () => {
  let client;
  before(async () => { await hostIsUp(); client = keyClient(); });

  it('RSA 2048 JWK with private parts: public parts match, PS256 verifies outside', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const key = await client.importKey(uniqueName('imp-rsa'), sdkJwkFromNode(jwk), { hardwareProtected: true });
    assert.equal(key.keyType, 'RSA-HSM');
    assert.equal(Buffer.from(key.key.n).toString('base64url'), jwk.n);
    for (const f of PRIVATE_PARTS) assert.equal(key.key[f], undefined, `${f} returned`);
    const { result: sig } = await cryptoClient(key.id).sign('PS256', digest('PS256', data));
    assert.ok(verifyOutside('PS256', publicKey, data, sig));
  });

  for (const [crv, nodeCurve, alg] of [['P-256', 'prime256v1', 'ES256'], ['P-384', 'secp384r1', 'ES384'], ['P-521', 'secp521r1', 'ES512']]) {
    it(`EC ${crv} JWK with d: ${alg} signature verifies outside`, async () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: nodeCurve });
      const jwk = privateKey.export({ format: 'jwk' });
      const key = await client.importKey(uniqueName('imp-ec'), sdkJwkFromNode(jwk));
      assert.equal(key.key.crv, crv);
      assert.equal(Buffer.from(key.key.x).toString('base64url'), jwk.x);
      assert.equal(key.key.d, undefined);
      const { result: sig } = await cryptoClient(key.id).sign(alg, digest(alg, data));
      assert.ok(verifyOutside(alg, publicKey, data, sig));
    });
  }

  it('oct 256: k is not returned; the key encrypts like the original bytes (A256CBCPAD)', async () => {
    const raw = crypto.randomBytes(32);
    const key = await client.importKey(uniqueName('imp-oct'), { kty: 'oct-HSM', k: raw }, { hardwareProtected: true });
    assert.equal(key.key.k, undefined);
    const iv = crypto.randomBytes(16);
    const { result } = await cryptoClient(key.id).encrypt({ algorithm: 'A256CBCPAD', plaintext: data, iv });
    const d = crypto.createDecipheriv('aes-256-cbc', raw, iv);
    assert.deepEqual(Buffer.concat([d.update(Buffer.from(result)), d.final()]), data);
  });

  it('a public-only RSA JWK cannot be imported (400)', async () => {
    const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    await assert.rejects(client.importKey(uniqueName('imp-pub'), sdkJwkFromNode(publicKey.export({ format: 'jwk' }))),
      (e) => e.statusCode === 400);
  });
});
