// Checks done outside the vault with node:crypto, from the public JWK the vault returned.
import crypto from 'node:crypto';

const b64u = (b) => Buffer.from(b).toString('base64url');

/** SDK JsonWebKey (Uint8Array fields, kty like 'RSA-HSM') -> JWK that node:crypto imports. */
export function publicKeyFromSdkJwk(k) {
  const kty = k.kty.replace(/-HSM$/, '');
  // Key Vault calls secp256k1 'P-256K'; node:crypto's JWK import wants 'secp256k1'.
  const jwk = kty === 'RSA'
    ? { kty, n: b64u(k.n), e: b64u(k.e) }
    : { kty, crv: k.crv === 'P-256K' ? 'secp256k1' : k.crv, x: b64u(k.x), y: b64u(k.y) };
  return crypto.createPublicKey({ key: jwk, format: 'jwk' });
}

export const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };
export const hashBits = (alg) => Number(alg.slice(-3));
export const digest = (alg, data) => crypto.createHash(HASH[hashBits(alg)]).update(data).digest();

/** Verifies a Key Vault signature (RS*, PS*, ES*) over data with node:crypto. */
export function verifyOutside(alg, publicKey, data, signature) {
  const hash = HASH[hashBits(alg)];
  const opts = { key: publicKey };
  if (alg.startsWith('PS')) Object.assign(opts, { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: hashBits(alg) / 8 });
  if (alg.startsWith('ES')) opts.dsaEncoding = 'ieee-p1363';
  return crypto.verify(hash, data, opts, Buffer.from(signature));
}

/** SDK-shaped JWK (Uint8Array fields) from a node:crypto key's JWK export, for importKey. */
export function sdkJwkFromNode(jwk) {
  const out = {};
  for (const [k, v] of Object.entries(jwk)) {
    if (['ext', 'key_ops', 'alg', 'use'].includes(k)) continue;
    out[k] = ['kty', 'crv'].includes(k) ? v : Buffer.from(v, 'base64url');
  }
  return out;
}

export const RSA_PADDING = {
  'RSA-OAEP': { padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
  'RSA-OAEP-256': { padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
  'RSA1_5': { padding: crypto.constants.RSA_PKCS1_PADDING },
};
