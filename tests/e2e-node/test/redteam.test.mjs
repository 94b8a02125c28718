// Red-team cases of issue #13: one per finding. Each one was an attack that worked against the code before the fix.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import tls from 'node:tls';
import path from 'node:path';
import { statSync } from 'node:fs';
import { request, show } from '../lib/http.mjs';
import { fetchToken } from '../lib/credential.mjs';
import { env } from '../lib/env.mjs';

const b64u = (b) => Buffer.from(b).toString('base64url');
const unb64u = (s) => Buffer.from(s, 'base64url');
const uniq = (p) => `${p}-${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;

let admin;
const bearer = () => ({ authorization: `Bearer ${admin}` });
const call = (method, path, body) => request(method, `${path}${path.includes('?') ? '&' : '?'}api-version=7.4`, { headers: bearer(), body });

before(async () => { admin = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token; });

async function octKey(ops = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']) {
  const name = uniq('rt-oct');
  const r = await call('POST', `/keys/${name}/create`, { kty: 'oct-HSM', key_size: 256, key_ops: ops });
  assert.equal(r.status, 200, show(r));
  return `${name}/${r.json.key.kid.split('/').pop()}`;
}

describe('red team: AES cross-mode use (finding 3)', () => {
  it('CBC encryption with a chosen IV cannot reveal the GCM keystream of another ciphertext', async () => {
    const name = await octKey();
    const secret = Buffer.from('attack at dawn: the GCM plaintext');
    const g = await call('POST', `/keys/${name}/encrypt`, { alg: 'A256GCM', value: b64u(secret) });
    assert.equal(g.status, 200, show(g));
    const nonce = unb64u(g.json.iv);
    assert.equal(nonce.length, 12);
    // The first GCM keystream block is AES(K, nonce || 00000002). CBC-encrypting a zero block with IV = that counter
    // block returns exactly it, which would decrypt the first 16 bytes of the GCM ciphertext.
    const counter = Buffer.concat([nonce, Buffer.from([0, 0, 0, 2])]);
    const c = await call('POST', `/keys/${name}/encrypt`, { alg: 'A256CBCPAD', value: b64u(Buffer.alloc(16)), iv: b64u(counter) });
    if (c.status === 200) {
      const ks = unb64u(c.json.value).subarray(0, 16);
      const recovered = Buffer.from(unb64u(g.json.value).subarray(0, 16).map((x, i) => x ^ ks[i]));
      assert.notDeepEqual(recovered, secret.subarray(0, 16), 'the CBC encryption revealed the GCM plaintext');
    }
    assert.equal(c.status, 400, show(c));
    assert.equal(c.json.error.code, 'BadParameter');
    assert.match(c.json.error.message, /A256CBCPAD.*bound to AES-GCM|bound to AES-GCM/i);
    // The key's own family still works.
    const d = await call('POST', `/keys/${name}/decrypt`, { alg: 'A256GCM', value: g.json.value, iv: g.json.iv, tag: g.json.tag });
    assert.equal(d.status, 200, show(d));
    assert.deepEqual(unb64u(d.json.value), secret);
  });

  it('CBC decryption (raw AES decryption) cannot unwrap an AES-KW blob', async () => {
    const name = await octKey();
    const cek = crypto.randomBytes(32);
    const w = await call('POST', `/keys/${name}/wrapkey`, { alg: 'A256KW', value: b64u(cek) });
    assert.equal(w.status, 200, show(w));
    // Raw AES decryption of one block X from CBC: Z = CBC-encrypt("" , iv = X) = E(X ^ pad16); then CBC-decrypt
    // X || Z with iv = 0 gives D(X) followed by a valid full padding block. With it, RFC 3394 unwrap runs outside.
    let refused;
    const rawDecrypt = async (x) => {
      const z = await call('POST', `/keys/${name}/encrypt`, { alg: 'A256CBCPAD', value: '', iv: b64u(x) });
      if (z.status !== 200) { refused = z; return null; }
      const d = await call('POST', `/keys/${name}/decrypt`, { alg: 'A256CBCPAD', value: b64u(Buffer.concat([x, unb64u(z.json.value)])), iv: b64u(Buffer.alloc(16)) });
      if (d.status !== 200) { refused = d; return null; }
      return unb64u(d.json.value);
    };
    const c = unb64u(w.json.value);
    const n = c.length / 8 - 1;
    let a = c.subarray(0, 8);
    const r = [null, ...Array.from({ length: n }, (_, i) => c.subarray(8 * (i + 1), 8 * (i + 2)))];
    outer: for (let j = 5; j >= 0; j--) {
      for (let i = n; i >= 1; i--) {
        const t = Buffer.alloc(8); t.writeBigUInt64BE(BigInt(n * j + i));
        const b = await rawDecrypt(Buffer.concat([Buffer.from(a.map((x, k) => x ^ t[k])), r[i]]));
        if (!b) break outer;
        a = b.subarray(0, 8); r[i] = b.subarray(8, 16);
      }
    }
    if (!refused) assert.notDeepEqual(Buffer.concat(r.slice(1)), cek, 'CBC encrypt/decrypt unwrapped the AES-KW blob');
    assert.equal(refused?.status, 400, refused && show(refused));
    assert.match(refused.json.error.message, /bound to AES key wrap/i);
    const u = await call('POST', `/keys/${name}/unwrapkey`, { alg: 'A256KW', value: w.json.value });
    assert.equal(u.status, 200, show(u));
    assert.deepEqual(unb64u(u.json.value), cek);
  });

  it('a CBC-bound key refuses GCM and key wrap, and keeps working for CBC', async () => {
    const name = await octKey();
    const iv = crypto.randomBytes(16);
    const c = await call('POST', `/keys/${name}/encrypt`, { alg: 'A256CBCPAD', value: b64u(Buffer.from('hello')), iv: b64u(iv) });
    assert.equal(c.status, 200, show(c));
    const g = await call('POST', `/keys/${name}/encrypt`, { alg: 'A256GCM', value: b64u(Buffer.from('hello')) });
    assert.equal(g.status, 400, show(g));
    assert.match(g.json.error.message, /bound to AES-CBC/i);
    const w = await call('POST', `/keys/${name}/wrapkey`, { alg: 'A256KW', value: b64u(crypto.randomBytes(16)) });
    assert.equal(w.status, 400, show(w));
    const d = await call('POST', `/keys/${name}/decrypt`, { alg: 'A256CBCPAD', value: c.json.value, iv: b64u(iv) });
    assert.equal(d.status, 200, show(d));
    assert.equal(unb64u(d.json.value).toString(), 'hello');
  });

  it('concurrent first uses in two families bind the key to exactly one of them', async () => {
    const name = await octKey();
    const rs = await Promise.all([
      call('POST', `/keys/${name}/encrypt`, { alg: 'A256GCM', value: b64u(Buffer.from('x')) }),
      call('POST', `/keys/${name}/encrypt`, { alg: 'A256CBCPAD', value: b64u(Buffer.alloc(16)), iv: b64u(Buffer.alloc(16)) }),
      call('POST', `/keys/${name}/wrapkey`, { alg: 'A256KW', value: b64u(crypto.randomBytes(16)) }),
    ]);
    const ok = rs.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, rs.map(show).join('\n'));
    assert.ok(rs.every((r) => r.status === 200 || r.status === 400), rs.map(show).join('\n'));
  });
});

describe('red team: RSA1_5 padding oracle (finding 4)', () => {
  it('valid and invalid PKCS#1 v1.5 padding get the same status; invalid gives a deterministic synthetic message', async () => {
    const name = uniq('rt-rsa15');
    const r = await call('POST', `/keys/${name}/create`, { kty: 'RSA-HSM', key_size: 2048, key_ops: ['encrypt', 'decrypt'] });
    assert.equal(r.status, 200, show(r));
    const path = `/keys/${name}/${r.json.key.kid.split('/').pop()}`;
    const pub = crypto.createPublicKey({ key: { kty: 'RSA', n: r.json.key.n, e: r.json.key.e }, format: 'jwk' });
    const k = 256;
    const block = (b0, b1, sep) => {
      const em = Buffer.from(Array.from({ length: k }, () => 1 + crypto.randomInt(255)));
      em[0] = b0; em[1] = b1;
      if (sep !== undefined) em[sep] = 0;
      return crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_NO_PADDING }, em);
    };
    const message = crypto.randomBytes(32);
    const valid = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, message);
    const invalid = [block(0, 1, 40), block(0, 2), block(0, 2, 8), block(0, 0, 40)];
    const decrypt = async (ct) => {
      const t0 = process.hrtime.bigint();
      const d = await call('POST', `${path}/decrypt`, { alg: 'RSA1_5', value: b64u(ct) });
      return { ...d, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    };
    const v = await decrypt(valid);
    assert.equal(v.status, 200, show(v));
    assert.deepEqual(unb64u(v.json.value), message);
    for (const ct of invalid) {
      const a = await decrypt(ct);
      assert.equal(a.status, 200, `invalid padding must not be told apart by status: ${show(a)}`);
      const b = await decrypt(ct);
      assert.equal(b.json.value, a.json.value, 'the synthetic message must be deterministic');
      assert.ok(unb64u(a.json.value).length <= k - 11);
    }
    // Timing profile: medians of interleaved valid and invalid decryptions (loopback HTTPS; a loose bound, figures logged).
    const times = { valid: [], invalid: [] };
    for (let i = 0; i < 30; i++) {
      times.valid.push((await decrypt(valid)).ms);
      times.invalid.push((await decrypt(invalid[i % invalid.length])).ms);
    }
    const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
    const mv = median(times.valid), mi = median(times.invalid);
    console.log(`# RSA1_5 decrypt median: valid ${mv.toFixed(2)} ms, invalid padding ${mi.toFixed(2)} ms`);
    assert.ok(mi < mv * 2 + 5 && mv < mi * 2 + 5, `timing profiles differ: valid ${mv} ms, invalid ${mi} ms`);
  });
});

describe('red team: local TLS material (finding 7)', () => {
  it('the served certificate is a leaf (CA:false), and the data folder and key files are owner-only', async () => {
    const { X509Certificate } = crypto;
    const pem = env.ca;
    const cert = new X509Certificate(pem);
    assert.equal(cert.ca, false, 'the served certificate must not be a CA');
    const served = await new Promise((resolve, reject) => {
      const u = new URL(env.url);
      const s = tls.connect({ host: u.hostname, port: Number(u.port), ca: pem, servername: 'localhost' }, () => {
        resolve(s.getPeerX509Certificate()); s.end();
      });
      s.on('error', reject);
    });
    assert.equal(served.fingerprint256, cert.fingerprint256);
    assert.equal(served.ca, false);
    const dir = path.dirname(process.env.HSMVAULT_TEST_CA);
    assert.equal(statSync(dir).mode & 0o777, 0o700, `data folder ${dir}`);
    for (const f of ['tls.pfx', 'dev-identity-signing-key.pem'])
      assert.equal(statSync(path.join(dir, f)).mode & 0o077, 0, `${f} must be 0600`);
  });
});

describe('red team: a tenant\'s broken key cannot trip the HSM for everyone (finding 2)', () => {
  const rsaJwk = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const importKey = (name, key) => call('PUT', `/keys/${name}`, { key: { ...key, key_ops: ['sign', 'verify', 'encrypt', 'decrypt'] } });
  const digest = b64u(crypto.randomBytes(32));

  it('imports of inconsistent RSA and EC keys are refused with 400 before they reach the HSM', async () => {
    const good = rsaJwk();
    const other = rsaJwk();
    const bigE = Buffer.from([1, 0, 0, 0, 1]); // 2^32 + 1
    const ecGood = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const ecOther = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const cases = [
      ['n is not p·q', { ...good, n: other.n }],
      ['q of another key', { ...good, q: other.q }],
      ['even e', { ...good, e: b64u(Buffer.from([1, 0, 0])) }],
      ['e = 1', { ...good, e: b64u(Buffer.from([1])) }],
      ['e ≥ 2^32', { ...good, e: b64u(bigE) }],
      ['dp inconsistent', { ...good, dp: other.dp }],
      ['qi inconsistent', { ...good, qi: other.qi }],
      ['EC point of another key', { ...ecGood, x: ecOther.x, y: ecOther.y }],
      ['EC point off the curve', { ...ecGood, y: b64u(Buffer.from(unb64u(ecGood.y).map((b, i) => (i === 31 ? b ^ 1 : b)))) }],
      ['EC d = 0', { ...ecGood, d: b64u(Buffer.alloc(32)) }],
    ];
    const bad = [];
    for (const [why, key] of cases) {
      const r = await importKey(uniq('rt-bad'), { ...key, kty: key.kty === 'EC' ? 'EC-HSM' : 'RSA-HSM' });
      if (r.status !== 400) bad.push(`${why}: ${show(r)}`);
      else assert.equal(r.json.error.code, 'BadParameter', why);
    }
    assert.deepEqual(bad, []);
    const ok = await importKey(uniq('rt-good'), { ...good, kty: 'RSA-HSM' });
    assert.equal(ok.status, 200, show(ok));
  });
});

describe('red team: vault existence before authentication (finding 8)', () => {
  it('an unknown vault answers an unauthenticated caller like a known one (401 challenge); 404 only after authentication', async () => {
    const known = await request('GET', '/keys?api-version=7.4');
    const unknown = await request('GET', '/keys?api-version=7.4', { vault: uniq('novault') });
    assert.equal(known.status, 401, show(known));
    assert.equal(unknown.status, 401, show(unknown));
    assert.equal(unknown.headers['www-authenticate'], known.headers['www-authenticate']);
    assert.equal(unknown.json.error.code, known.json.error.code);
    const badToken = { authorization: 'Bearer not.a.jwt' };
    assert.equal((await request('GET', '/keys?api-version=7.4', { vault: uniq('novault'), headers: badToken })).status, 401);
    const authed = await request('GET', '/keys?api-version=7.4', { vault: uniq('novault'), headers: bearer() });
    assert.equal(authed.status, 404, show(authed));
    assert.equal(authed.json.error.code, 'VaultNotFound');
  });
});
