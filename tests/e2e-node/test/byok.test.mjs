// BYOK (Key Vault's bring-your-own-key specification) with the unmodified @azure/keyvault-keys client: a key exchange key
// made in the vault, .byok blobs built outside with node:crypto for every target type, imported with importKey's `t`
// (sent as key_hsm), then used in the vault and checked against the original key. Every bad blob is a 400 that leaves
// nothing behind on the HSM token or in the tables.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { keyClient, cryptoClient, uniqueName, hostIsUp, adminRequest } from '../lib/clients.mjs';
import { verifyOutside, digest } from '../lib/crypto-outside.mjs';
import { kekPublicKey, transferCiphertext, transferBlob, t, tokenObjects } from '../lib/byok.mjs';
import { API_VERSION } from '../lib/env.mjs';

const data = Buffer.from('brought my own key');

describe('BYOK: key exchange key', () => {
  let client, kek;
  before(async () => {
    await hostIsUp();
    client = keyClient();
    kek = await client.createRsaKey(uniqueName('kek'), { keySize: 2048, hsm: true, keyOps: ['import'] });
  });

  it('is RSA-HSM with key_ops exactly ["import"]', () => {
    assert.equal(kek.keyType, 'RSA-HSM');
    assert.deepEqual(kek.keyOperations, ['import']);
    assert.equal(kek.key.n.length, 256);
  });

  for (const bits of [3072, 4096]) {
    it(`can be ${bits} bits`, async () => {
      const k = await client.createRsaKey(uniqueName('kek'), { keySize: bits, hsm: true, keyOps: ['import'] });
      assert.equal(k.key.n.length, bits / 8);
    });
  }

  it('can do nothing but import: sign, verify, encrypt, decrypt, wrapKey, unwrapKey are 403 KeyOperationForbidden', async () => {
    const path = `/keys/${kek.name}/${kek.properties.version}`;
    const value = Buffer.alloc(256, 1).toString('base64url');
    const d = digest('PS256', data).toString('base64url');
    for (const [op, body] of [['sign', { alg: 'PS256', value: d }], ['verify', { alg: 'PS256', digest: d, value }],
      ['encrypt', { alg: 'RSA-OAEP', value: 'AQID' }], ['decrypt', { alg: 'RSA-OAEP', value }],
      ['wrapkey', { alg: 'RSA-OAEP', value: 'AQID' }], ['unwrapkey', { alg: 'RSA-OAEP', value }]]) {
      const res = await adminRequest('POST', `${path}/${op}?api-version=${API_VERSION}`, { body });
      assert.equal(res.status, 403, `${op}: ${res.text}`);
      assert.equal(res.json.error.innererror.code, 'KeyOperationForbidden', op);
    }
  });

  it('key_ops cannot be widened later', async () => {
    await assert.rejects(client.updateKeyProperties(kek.name, kek.properties.version, { keyOps: ['import', 'sign'] }), (e) => e.statusCode === 400);
  });

  for (const [what, opts] of [
    ['import with another operation', { kty: 'RSA-HSM', key_size: 2048, key_ops: ['import', 'sign'] }],
    ['import on an EC key', { kty: 'EC-HSM', crv: 'P-256', key_ops: ['import'] }],
    ['import on plain RSA (not RSA-HSM)', { kty: 'RSA', key_size: 2048, key_ops: ['import'] }],
  ]) {
    it(`is refused for ${what} (400)`, async () => {
      const res = await adminRequest('POST', `/keys/${uniqueName('kek-bad')}/create?api-version=${API_VERSION}`, { body: opts });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, 'BadParameter');
    });
  }
});

describe('BYOK: importKey with a .byok blob', () => {
  let client, kek, kekPub;
  before(async () => {
    await hostIsUp();
    client = keyClient();
    kek = await client.createRsaKey(uniqueName('kek'), { keySize: 3072, hsm: true, keyOps: ['import'] });
    kekPub = kekPublicKey(kek);
  });

  const blobFor = (target, opts = {}) => t(transferBlob(kek.id, transferCiphertext(kekPub, target, opts), opts));

  for (const bits of [2048, 3072, 4096]) {
    it(`RSA ${bits}: signs and decrypts like the original key`, async () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
      const key = await client.importKey(uniqueName('byok-rsa'), { kty: 'RSA-HSM', keyOps: ['sign', 'verify', 'decrypt', 'encrypt'], t: blobFor(privateKey) });
      assert.equal(key.keyType, 'RSA-HSM');
      assert.equal(Buffer.from(key.key.n).toString('base64url'), publicKey.export({ format: 'jwk' }).n);
      assert.equal(key.key.d, undefined);
      const { result: sig } = await cryptoClient(key.id).sign('PS256', digest('PS256', data));
      assert.ok(verifyOutside('PS256', publicKey, data, sig));
      const ct = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, data);
      const { result } = await cryptoClient(key.id).decrypt({ algorithm: 'RSA-OAEP', ciphertext: ct });
      assert.deepEqual(Buffer.from(result), data);
    });
  }

  for (const [crv, nodeCurve, alg] of [['P-256', 'prime256v1', 'ES256'], ['P-384', 'secp384r1', 'ES384'], ['P-521', 'secp521r1', 'ES512'],
    ['P-256K', 'secp256k1', 'ES256K']]) {
    it(`EC ${crv}: public point found in the HSM, ${alg} verifies outside`, async () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: nodeCurve });
      const key = await client.importKey(uniqueName('byok-ec'), { kty: 'EC-HSM', crv, keyOps: ['sign', 'verify'], t: blobFor(privateKey) });
      const jwk = publicKey.export({ format: 'jwk' });
      assert.equal(key.key.crv, crv);
      assert.equal(Buffer.from(key.key.x).toString('base64url'), jwk.x);
      assert.equal(Buffer.from(key.key.y).toString('base64url'), jwk.y);
      const hashed = alg === 'ES256K' ? 'ES256' : alg; // ES256K hashes with SHA-256 too
      const { result: sig } = await cryptoClient(key.id).sign(alg, digest(hashed, data));
      assert.ok(verifyOutside(hashed, publicKey, data, sig));
    });
  }

  for (const bits of [128, 192, 256]) {
    it(`oct ${bits}: encrypts like the original bytes (A${bits}CBCPAD)`, async () => {
      const raw = crypto.randomBytes(bits / 8);
      const key = await client.importKey(uniqueName('byok-oct'), { kty: 'oct-HSM', keyOps: ['encrypt', 'decrypt'], t: blobFor(raw) });
      assert.equal(key.key.k, undefined);
      const iv = crypto.randomBytes(16);
      const { result } = await cryptoClient(key.id).encrypt({ algorithm: `A${bits}CBCPAD`, plaintext: data, iv });
      const d = crypto.createDecipheriv(`aes-${bits}-cbc`, raw, iv);
      assert.deepEqual(Buffer.concat([d.update(Buffer.from(result)), d.final()]), data);
    });
  }

  it('a KEK can import several keys, and an ephemeral AES-128 wrapping key works too', async () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = await client.importKey(uniqueName('byok-ec'), { kty: 'EC-HSM', crv: 'P-256', t: blobFor(privateKey, { aesKey: crypto.randomBytes(16) }) });
    assert.equal(key.key.crv, 'P-256');
  });
});

describe('BYOK: refusals are 400 BadParameter and leave nothing behind', () => {
  let client, kek, kekPub, rsaKey, ecKey, plainRsa, disabledKek, expiredKek;
  before(async () => {
    await hostIsUp();
    client = keyClient();
    kek = await client.createRsaKey(uniqueName('kek'), { keySize: 2048, hsm: true, keyOps: ['import'] });
    kekPub = kekPublicKey(kek);
    disabledKek = await client.createRsaKey(uniqueName('kek-off'), { keySize: 2048, hsm: true, keyOps: ['import'], enabled: false });
    expiredKek = await client.createRsaKey(uniqueName('kek-exp'), { keySize: 2048, hsm: true, keyOps: ['import'], expiresOn: new Date(Date.now() - 60_000) });
    plainRsa = await client.createRsaKey(uniqueName('not-kek'), { keySize: 2048, hsm: true });
    rsaKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    ecKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  });

  const good = (target = rsaKey, opts = {}) => transferBlob(kek.id, transferCiphertext(kekPub, target, opts), opts);
  const flip = (buf, i) => { const b = Buffer.from(buf); b[i] ^= 1; return b; };
  const withKid = (kid, pub) => transferBlob(kid, transferCiphertext(pub, rsaKey));

  const cases = () => [
    ['unknown KEK', { t: t(withKid(`${kek.id.replace(/\/[0-9a-f]{32}$/, '')}/${'0'.repeat(32)}`, kekPub)) }, /not found/],
    ['disabled KEK', { t: t(withKid(disabledKek.id, kekPublicKey(disabledKek))) }, /disabled/],
    ['expired KEK', { t: t(withKid(expiredKek.id, kekPublicKey(expiredKek))) }, /expired/],
    ['KEK whose key_ops are not exactly import', { t: t(withKid(plainRsa.id, kekPublicKey(plainRsa))) }, /not a key exchange key/],
    ['kid without version', { t: t(withKid(kek.id.replace(/\/[0-9a-f]{32}$/, ''), kekPub)) }, /version/],
    ['kid of another vault', { t: t(withKid(kek.id.replace('https://localhost', 'https://elsewhere.localhost'), kekPub)) }, /not in this vault/],
    ['malformed JSON', { t: Buffer.from('{"schema_version":"1.0.0","header":') }, /not a key transfer blob/],
    ['not JSON at all', { t: crypto.randomBytes(64) }, /not a key transfer blob/],
    ['wrong schema_version', { t: t(good(rsaKey, { schema: '2.0.0' })) }, /schema_version/],
    ['wrong enc', { t: t({ ...good(), header: { ...good().header, enc: 'A256KW' } }) }, /header\.enc/],
    ['wrong alg', { t: t(good(rsaKey, { alg: 'RSA-OAEP' })) }, /header\.alg/],
    ['truncated ciphertext', { t: t(transferBlob(kek.id, transferCiphertext(kekPub, rsaKey).subarray(0, 256 + 8))) }, /truncated/],
    ['ciphertext cut short in the wrapped key', (() => { const c = transferCiphertext(kekPub, rsaKey); return { t: t(transferBlob(kek.id, c.subarray(0, c.length - 8))) }; })(), /integrity check failed/],
    ['tampered ciphertext (AES-KWP integrity)', (() => { const c = transferCiphertext(kekPub, rsaKey); return { t: t(transferBlob(kek.id, flip(c, c.length - 5))) }; })(), /integrity check failed/],
    ['tampered RSA-OAEP block', (() => { const c = transferCiphertext(kekPub, rsaKey); return { t: t(transferBlob(kek.id, flip(c, 10))) }; })(), /ephemeral AES key could not be unwrapped/],
    ['kty RSA-HSM but the blob holds an EC key', { t: t(good(ecKey)) }, /not an RSA key/],
    ['kty EC-HSM but the blob holds an RSA key', { kty: 'EC-HSM', crv: 'P-256', t: t(good(rsaKey)) }, /not an EC key/],
    ['crv P-384 but the blob holds a P-256 key', { kty: 'EC-HSM', crv: 'P-384', t: t(good(ecKey)) }, /P-256|P256/],
    ['oct-HSM but the blob holds 20 bytes', { kty: 'oct-HSM', t: t(good(crypto.randomBytes(20))) }, /not an AES key/],
    ['RSA_AES_KEY_WRAP_256 on a token without OAEP-SHA256', { t: t(good(rsaKey, { enc: 'RSA_AES_KEY_WRAP_256' })) }, /RSA_AES_KEY_WRAP_256 is not supported/],
    ['RSA_AES_KEY_WRAP_384 on a token without OAEP-SHA384', { t: t(good(rsaKey, { enc: 'RSA_AES_KEY_WRAP_384' })) }, /RSA_AES_KEY_WRAP_384 is not supported/],
    ['private key fields next to key_hsm', { t: t(good()), d: Buffer.from([1, 2, 3]) }, /do not also send private key fields/],
  ];

  it('every refusal names its problem; no HSM object, key row or version is created', async () => {
    const totalBefore = tokenObjects();
    const names = [];
    for (const [what, jwk, message] of cases()) {
      const name = uniqueName('byok-bad');
      names.push(name);
      await assert.rejects(client.importKey(name, { kty: 'RSA-HSM', ...jwk }), (e) => {
        assert.equal(e.statusCode, 400, `${what}: ${e.message}`);
        assert.equal(e.code, 'BadParameter', what);
        assert.match(e.message, message, what);
        assert.doesNotMatch(e.message, /CKR_/, what);
        return true;
      }, what);
    }
    for (const name of names) {
      await assert.rejects(client.getKey(name), (e) => e.statusCode === 404, name);
      assert.equal(tokenObjects(`default/${name}/`), 0, `HSM objects left for ${name}`);
    }
    assert.equal(tokenObjects(), totalBefore, 'object count on the token changed');
  });

  it('a good blob after the refusals still imports (the KEK is unharmed)', async () => {
    const key = await client.importKey(uniqueName('byok-ok'), { kty: 'RSA-HSM', t: t(good()) });
    assert.equal(key.keyType, 'RSA-HSM');
  });
});
