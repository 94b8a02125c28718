// RSA and AES encryption: node-made ciphertexts decrypt in the vault; vault ciphertexts decrypt outside
// (for imported keys, whose private parts the test holds).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { keyClient, cryptoClient, uniqueName, hostIsUp, adminRequest, b64u, fromB64u } from '../lib/clients.mjs';
import { API_VERSION } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { publicKeyFromSdkJwk, sdkJwkFromNode, RSA_PADDING } from '../lib/crypto-outside.mjs';

const plaintext = Buffer.from('attack at dawn: 0123456789abcdef');
const RSA_ALGS = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'];

describe('RSA encrypt/decrypt', () => {
  let generated, imported, importedPrivate;
  before(async () => {
    await hostIsUp();
    const client = keyClient();
    generated = await client.createRsaKey(uniqueName('enc-rsa'), { keySize: 2048 });
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    importedPrivate = pair.privateKey;
    imported = await client.importKey(uniqueName('enc-rsa-imp'), sdkJwkFromNode(pair.privateKey.export({ format: 'jwk' })));
  });

  for (const alg of RSA_ALGS) {
    it(`${alg}: ciphertext made outside with publicEncrypt decrypts in the vault`, async () => {
      const ct = crypto.publicEncrypt({ key: publicKeyFromSdkJwk(generated.key), ...RSA_PADDING[alg] }, plaintext);
      const { result } = await cryptoClient(generated.id).decrypt({ algorithm: alg, ciphertext: ct });
      assert.deepEqual(Buffer.from(result), plaintext);
    });

    it(`${alg}: SDK encrypt -> vault decrypt round trip`, async () => {
      const cc = cryptoClient(generated.id);
      const { result: ct } = await cc.encrypt({ algorithm: alg, plaintext });
      const { result } = await cc.decrypt({ algorithm: alg, ciphertext: ct });
      assert.deepEqual(Buffer.from(result), plaintext);
    });
  }

  // The SDK encrypts RSA-OAEP/RSA1_5 locally when it holds the public key, so this goes over REST.
  for (const alg of ['RSA-OAEP', 'RSA-OAEP-256']) {
    it(`${alg}: encrypt in the vault (REST) decrypts outside with the imported private key`, async () => {
      const r = await adminRequest('POST', `/keys/${imported.name}/${imported.properties.version}/encrypt?api-version=${API_VERSION}`,
        { body: { alg, value: b64u(plaintext) } });
      assert.equal(r.status, 200, show(r));
      assert.equal(r.json.kid, imported.id);
      const out = crypto.privateDecrypt({ key: importedPrivate, ...RSA_PADDING[alg] }, fromB64u(r.json.value));
      assert.deepEqual(out, plaintext);
    });
  }

  it('decrypting garbage fails with 400, not 500', async () => {
    const r = await adminRequest('POST', `/keys/${generated.name}/${generated.properties.version}/decrypt?api-version=${API_VERSION}`,
      { body: { alg: 'RSA-OAEP', value: b64u(Buffer.alloc(256, 1)) } });
    assert.equal(r.status, 400, show(r));
  });
});

describe('AES encrypt/decrypt', () => {
  // One key per mode: an AES key is bound to the mode family of its first use (README, security model).
  const octKeys = {}; // `${size}-${mode}` -> { key, raw }
  before(async () => {
    await hostIsUp();
    const client = keyClient();
    for (const size of [128, 192, 256]) {
      for (const mode of ['gcm', 'cbc']) {
        const raw = crypto.randomBytes(size / 8);
        const key = await client.importKey(uniqueName(`enc-oct${size}${mode}`), { kty: 'oct-HSM', k: raw }, { hardwareProtected: true });
        octKeys[`${size}-${mode}`] = { key, raw };
      }
    }
  });

  for (const size of [128, 192, 256]) {
    const gcm = `A${size}GCM`;
    it(`${gcm} with AAD: vault encrypt decrypts outside; node encrypt decrypts in vault`, async () => {
      const { key, raw } = octKeys[`${size}-gcm`];
      const cc = cryptoClient(key.id);
      const aad = Buffer.from('header-v1');
      const enc = await cc.encrypt({ algorithm: gcm, plaintext, additionalAuthenticatedData: aad });
      assert.equal(enc.iv?.length, 12, 'vault must generate a 12-byte iv');
      assert.equal(enc.authenticationTag?.length, 16);
      const d = crypto.createDecipheriv(`aes-${size}-gcm`, raw, Buffer.from(enc.iv));
      d.setAAD(aad); d.setAuthTag(Buffer.from(enc.authenticationTag));
      assert.deepEqual(Buffer.concat([d.update(Buffer.from(enc.result)), d.final()]), plaintext);

      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv(`aes-${size}-gcm`, raw, iv);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      const dec = await cc.decrypt({ algorithm: gcm, ciphertext: ct, iv, authenticationTag: c.getAuthTag(), additionalAuthenticatedData: aad });
      assert.deepEqual(Buffer.from(dec.result), plaintext);

      await assert.rejects(
        cc.decrypt({ algorithm: gcm, ciphertext: ct, iv, authenticationTag: c.getAuthTag(), additionalAuthenticatedData: Buffer.from('other') }),
        (e) => e.statusCode === 400, 'a wrong AAD must fail with 400');
    });

    const cbc = `A${size}CBCPAD`;
    it(`${cbc} with iv: vault and node:crypto agree both ways`, async () => {
      const { key, raw } = octKeys[`${size}-cbc`];
      const cc = cryptoClient(key.id); // from an id: the SDK has no k, so this goes to the vault
      const iv = crypto.randomBytes(16);
      const enc = await cc.encrypt({ algorithm: cbc, plaintext, iv });
      const c = crypto.createCipheriv(`aes-${size}-cbc`, raw, iv);
      const expected = Buffer.concat([c.update(plaintext), c.final()]);
      assert.deepEqual(Buffer.from(enc.result), expected);
      const dec = await cc.decrypt({ algorithm: cbc, ciphertext: expected, iv });
      assert.deepEqual(Buffer.from(dec.result), plaintext);
    });
  }

  it('A256GCM on a vault-generated oct key round-trips', async () => {
    const key = await keyClient().createOctKey(uniqueName('enc-oct-gen'), { keySize: 256, hsm: true });
    const cc = cryptoClient(key.id);
    const enc = await cc.encrypt({ algorithm: 'A256GCM', plaintext });
    const dec = await cc.decrypt({ algorithm: 'A256GCM', ciphertext: enc.result, iv: enc.iv, authenticationTag: enc.authenticationTag });
    assert.deepEqual(Buffer.from(dec.result), plaintext);
  });
});
