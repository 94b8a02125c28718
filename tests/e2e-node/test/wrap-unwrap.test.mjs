// Key wrapping with RSA and AES key-wrap: results checked against node:crypto.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { keyClient, cryptoClient, uniqueName, hostIsUp, adminRequest, b64u, fromB64u } from '../lib/clients.mjs';
import { API_VERSION } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { publicKeyFromSdkJwk, sdkJwkFromNode, RSA_PADDING } from '../lib/crypto-outside.mjs';

const cek = crypto.randomBytes(32);
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

describe('wrapKey/unwrapKey', () => {
  let rsa, rsaImported, rsaPrivate;
  const kek = {}; // size -> { key, raw }
  before(async () => {
    await hostIsUp();
    const client = keyClient();
    rsa = await client.createRsaKey(uniqueName('wrap-rsa'), { keySize: 2048 });
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaPrivate = pair.privateKey;
    rsaImported = await client.importKey(uniqueName('wrap-rsa-imp'), sdkJwkFromNode(pair.privateKey.export({ format: 'jwk' })));
    for (const size of [128, 192, 256]) {
      const raw = crypto.randomBytes(size / 8);
      kek[size] = { raw, key: await client.importKey(uniqueName(`wrap-oct${size}`), { kty: 'oct-HSM', k: raw }, { hardwareProtected: true }) };
    }
  });

  for (const alg of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5']) {
    it(`${alg}: key wrapped outside unwraps in the vault; SDK wrap/unwrap round trip`, async () => {
      const cc = cryptoClient(rsa.id);
      const wrapped = crypto.publicEncrypt({ key: publicKeyFromSdkJwk(rsa.key), ...RSA_PADDING[alg] }, cek);
      assert.deepEqual(Buffer.from((await cc.unwrapKey(alg, wrapped)).result), cek);
      const { result } = await cc.wrapKey(alg, cek);
      assert.deepEqual(Buffer.from((await cc.unwrapKey(alg, result)).result), cek);
    });
  }

  for (const alg of ['RSA-OAEP', 'RSA-OAEP-256']) {
    it(`${alg}: wrapKey in the vault (REST) unwraps outside with the imported private key`, async () => {
      const r = await adminRequest('POST', `/keys/${rsaImported.name}/${rsaImported.properties.version}/wrapkey?api-version=${API_VERSION}`,
        { body: { alg, value: b64u(cek) } });
      assert.equal(r.status, 200, show(r));
      assert.deepEqual(crypto.privateDecrypt({ key: rsaPrivate, ...RSA_PADDING[alg] }, fromB64u(r.json.value)), cek);
    });
  }

  for (const size of [128, 192, 256]) {
    const alg = `A${size}KW`;
    it(`${alg}: vault wrap equals RFC 3394 wrap by node:crypto; node-wrapped key unwraps in the vault`, async () => {
      const { raw, key } = kek[size];
      const cc = cryptoClient(key.id);
      const c = crypto.createCipheriv(`id-aes${size}-wrap`, raw, KW_IV);
      const expected = Buffer.concat([c.update(cek), c.final()]);
      const { result } = await cc.wrapKey(alg, cek);
      assert.deepEqual(Buffer.from(result), expected);
      assert.deepEqual(Buffer.from((await cc.unwrapKey(alg, expected)).result), cek);
      const tampered = Buffer.from(expected); tampered[3] ^= 1;
      await assert.rejects(cc.unwrapKey(alg, tampered), (e) => e.statusCode === 400, 'a tampered wrap must fail with 400');
    });
  }
});
