// Key Vault BYOK transfer blobs built outside the vault with node:crypto, as a customer's BYOK tool would
// (RSA-OAEP of an ephemeral AES key under the vault's KEK, then AES key wrap with padding of the target key).
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';

const b64u = (b) => Buffer.from(b).toString('base64url');
const OAEP_HASH = { CKM_RSA_AES_KEY_WRAP: 'sha1', RSA_AES_KEY_WRAP_256: 'sha256', RSA_AES_KEY_WRAP_384: 'sha384' };
// RFC 5649's alternative initial value; node's id-aesNNN-wrap-pad wants it as the IV.
const KWP_IV = Buffer.from('A65959A6', 'hex');

/** The KEK's public key (a KeyVaultKey from the SDK) as a node:crypto KeyObject. */
export const kekPublicKey = (kek) =>
  crypto.createPublicKey({ key: { kty: 'RSA', n: b64u(kek.key.n), e: b64u(kek.key.e) }, format: 'jwk' });

/** The bytes a transfer wraps: PKCS#8 DER for RSA and EC key objects, raw bytes for oct. */
export const targetBytes = (key) => Buffer.isBuffer(key) ? key : key.export({ type: 'pkcs8', format: 'der' });

/** AES-KWP (RFC 5649) with node's OpenSSL. */
export function aesKeyWrapPad(aesKey, plaintext) {
  const c = crypto.createCipheriv(`id-aes${aesKey.length * 8}-wrap-pad`, aesKey, KWP_IV);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

/** The ciphertext: RSA-OAEP(KEK, AES key) || AES-KWP(AES key, target). */
export function transferCiphertext(kekPublic, target, { enc = 'CKM_RSA_AES_KEY_WRAP', aesKey = crypto.randomBytes(32) } = {}) {
  const wrappedAes = crypto.publicEncrypt({ key: kekPublic, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[enc] }, aesKey);
  return Buffer.concat([wrappedAes, aesKeyWrapPad(aesKey, targetBytes(target))]);
}

/** The .byok file's JSON object. */
export function transferBlob(kid, ciphertext, { enc = 'CKM_RSA_AES_KEY_WRAP', schema = '1.0.0', alg = 'dir' } = {}) {
  return { schema_version: schema, header: { kid, alg, enc }, ciphertext: b64u(ciphertext), generator: 'HsmVault e2e tests (node:crypto)' };
}

/** The SDK's JsonWebKey.t (sent as key_hsm): the blob's JSON bytes. */
export const t = (blob) => Buffer.from(typeof blob === 'string' ? blob : JSON.stringify(blob));

/** How many objects on the test token carry a label starting with prefix (the vault labels objects vault/name/version). */
export function tokenObjects(prefix = '') {
  const out = execFileSync('pkcs11-tool', ['--module', process.env.HSMVAULT_TEST_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so',
    '--token-label', process.env.HSMVAULT_TEST_TOKEN_LABEL, '--login', '--pin', process.env.HSMVAULT_TEST_PIN, '--list-objects'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => /^\s+label:\s/.test(l) && l.replace(/^\s+label:\s+/, '').startsWith(prefix)).length;
}
