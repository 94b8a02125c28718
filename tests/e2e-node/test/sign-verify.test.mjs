// Signatures made in the vault verify outside it with node:crypto, and the vault's verify agrees.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { keyClient, cryptoClient, uniqueName, hostIsUp } from '../lib/clients.mjs';
import { publicKeyFromSdkJwk, verifyOutside, digest } from '../lib/crypto-outside.mjs';

const data = Buffer.from('HsmVault e2e: the quick brown fox');

describe('sign and verify', () => {
  const keys = {};
  before(async () => {
    await hostIsUp();
    const client = keyClient();
    keys.RSA = await client.createRsaKey(uniqueName('sig-rsa'), { keySize: 2048 });
    keys['P-256'] = await client.createEcKey(uniqueName('sig-p256'), { curve: 'P-256' });
    keys['P-384'] = await client.createEcKey(uniqueName('sig-p384'), { curve: 'P-384' });
    keys['P-521'] = await client.createEcKey(uniqueName('sig-p521'), { curve: 'P-521' });
  });

  const cases = [
    ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'].map((alg) => [alg, 'RSA']),
    ['ES256', 'P-256'], ['ES384', 'P-384'], ['ES512', 'P-521'],
  ];

  for (const [alg, keyName] of cases) {
    it(`${alg}: sign(digest) in vault, verify outside and in vault; a bad signature fails`, async () => {
      const key = keys[keyName];
      const cc = cryptoClient(key.id);
      const d = digest(alg, data);
      const { result: sig, keyID } = await cc.sign(alg, d);
      assert.equal(keyID, key.id);
      if (alg.startsWith('ES')) assert.equal(sig.length, { 'P-256': 64, 'P-384': 96, 'P-521': 132 }[keyName]);
      assert.ok(verifyOutside(alg, publicKeyFromSdkJwk(key.key), data, sig), 'node:crypto rejected the vault signature');

      assert.equal((await cc.verify(alg, d, sig)).result, true, 'vault rejected its own signature');
      const bad = Buffer.from(sig); bad[bad.length - 1] ^= 0x01;
      assert.equal((await cc.verify(alg, d, bad)).result, false, 'vault accepted a tampered signature');
      const otherDigest = digest(alg, Buffer.from('other'));
      assert.equal((await cc.verify(alg, otherDigest, sig)).result, false, 'vault accepted a signature over another digest');
    });
  }

  it('signData/verifyData convenience (RS256 and ES256)', async () => {
    for (const [alg, keyName] of [['RS256', 'RSA'], ['ES256', 'P-256']]) {
      const cc = cryptoClient(keys[keyName].id);
      const { result: sig } = await cc.signData(alg, data);
      assert.ok(verifyOutside(alg, publicKeyFromSdkJwk(keys[keyName].key), data, sig), alg);
      assert.equal((await cc.verifyData(alg, data, sig)).result, true, alg);
      assert.equal((await cc.verifyData(alg, Buffer.from('tampered'), sig)).result, false, alg);
    }
  });

  it('a signature made outside with a different key does not verify in the vault', async () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sig = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const res = await cryptoClient(keys['P-256'].id).verify('ES256', digest('ES256', data), sig);
    assert.equal(res.result, false);
  });
});
