// Permission matrix: for every data-plane key operation and every permission, a principal granted exactly that
// permission is allowed iff the operation needs it; vault-wide, then scoped to one key (other keys and
// vault-wide operations then always refused).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { env } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { onVault, createVault, grant, revoke, vaultName } from '../lib/access.mjs';

const PERMISSIONS = ['get', 'list', 'create', 'import', 'update', 'sign', 'verify', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'delete'];

describe('permission matrix (operation x permission)', () => {
  let vault, key, other, version, ciphertext, wrapped, signature, jwk;
  const digest = crypto.createHash('sha256').update('matrix').digest('base64url');
  const plain = Buffer.from('0123456789abcdef').toString('base64url');
  before(async () => {
    vault = vaultName('mx');
    await createVault(vault, { policies: [{ objectId: env.adminOid, permissions: { keys: ['all'] } }] });
    key = 'matrix-key';
    other = 'matrix-other';
    const k = await onVault(vault, 'POST', `/keys/${key}/create`, { as: env.admin, body: { kty: 'RSA', key_size: 2048 } });
    assert.equal(k.status, 200, show(k));
    version = k.json.key.kid.split('/').pop();
    assert.equal((await onVault(vault, 'POST', `/keys/${other}/create`, { as: env.admin, body: { kty: 'RSA', key_size: 2048 } })).status, 200);
    const op = (name, body) => onVault(vault, 'POST', `/keys/${key}/${version}/${name}`, { as: env.admin, body });
    ciphertext = (await op('encrypt', { alg: 'RSA-OAEP', value: plain })).json.value;
    wrapped = (await op('wrapkey', { alg: 'RSA-OAEP', value: plain })).json.value;
    signature = (await op('sign', { alg: 'RS256', value: digest })).json.value;
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwk = privateKey.export({ format: 'jwk' });
  });

  // name, permission, request(keyName) -> [method, path, body]; keyName null = a vault-wide operation.
  const ops = [
    ['get', 'get', (n) => ['GET', `/keys/${n}`]],
    ['list versions', 'list', (n) => ['GET', `/keys/${n}/versions`]],
    ['update', 'update', (n) => ['PATCH', `/keys/${n}`, { tags: { m: 'x' } }]],
    ['create (new version)', 'create', (n) => ['POST', `/keys/${n}/create`, { kty: 'EC', crv: 'P-256', key_ops: ['sign', 'verify'] }]],
    ['import (new version)', 'import', (n) => ['PUT', `/keys/${n}`, { key: { ...jwk, key_ops: ['sign', 'verify'] } }]],
    ['sign', 'sign', (n, v) => ['POST', `/keys/${n}/${v}/sign`, { alg: 'RS256', value: digest }]],
    ['verify', 'verify', (n, v) => ['POST', `/keys/${n}/${v}/verify`, { alg: 'RS256', digest, value: signature }]],
    ['encrypt', 'encrypt', (n, v) => ['POST', `/keys/${n}/${v}/encrypt`, { alg: 'RSA-OAEP', value: plain }]],
    ['decrypt', 'decrypt', (n, v) => ['POST', `/keys/${n}/${v}/decrypt`, { alg: 'RSA-OAEP', value: ciphertext }]],
    ['wrapKey', 'wrapKey', (n, v) => ['POST', `/keys/${n}/${v}/wrapkey`, { alg: 'RSA-OAEP', value: plain }]],
    ['unwrapKey', 'unwrapKey', (n, v) => ['POST', `/keys/${n}/${v}/unwrapkey`, { alg: 'RSA-OAEP', value: wrapped }]],
  ];
  const vaultOps = [
    ['list keys', 'list', () => ['GET', '/keys']],
    ['random bytes', 'get', () => ['POST', '/rng', { count: 8 }]],
  ];

  async function check(label, [method, path, body], allowed, needed) {
    const r = await onVault(vault, method, path, { as: env.app, body });
    if (allowed) assert.equal(r.status, 200, `${label}: expected allowed, got ${show(r)}`);
    else {
      assert.equal(r.status, 403, `${label}: expected denied, got ${show(r)}`);
      assert.equal(r.json?.error?.innererror?.code, 'AccessDenied', `${label}: ${show(r)}`);
      assert.match(r.json.error.message, new RegExp(`keys ${needed} permission`), label);
    }
  }

  for (const p of PERMISSIONS) {
    it(`vault-wide grant of only '${p}'`, async () => {
      await grant(vault, env.app.oid, { keys: [p] });
      for (const [name, needed, req] of [...ops, ...vaultOps]) await check(`${name} with ${p}`, req(key, version), needed === p, needed);
      const otherVersion = (await onVault(vault, 'GET', `/keys/${other}`, { as: env.admin })).json.key.kid.split('/').pop();
      await check(`sign on another key with ${p}`, ops[5][2](other, otherVersion), p === 'sign', 'sign');
      assert.equal((await revoke(vault, env.app.oid)).status, 200);
    });

    it(`grant of only '${p}' scoped to key ${'matrix-key'}`, async () => {
      await grant(vault, env.app.oid, { key, keys: [p] });
      for (const [name, needed, req] of ops) await check(`${name} on the key with ${p}`, req(key, version), needed === p, needed);
      const otherVersion = (await onVault(vault, 'GET', `/keys/${other}`, { as: env.admin })).json.key.kid.split('/').pop();
      for (const [name, needed, req] of ops) await check(`${name} on another key with ${p}`, req(other, otherVersion), false, needed);
      for (const [name, needed, req] of vaultOps) await check(`${name} (vault-wide) with key-scoped ${p}`, req(), false, needed);
      assert.equal((await revoke(vault, env.app.oid)).status, 200);
    });
  }
});
