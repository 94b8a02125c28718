// Hand-made JWTs for negative authentication tests.
import crypto from 'node:crypto';
import { AUDIENCE } from './env.mjs';

const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

export function claimsLike({ issuer, tenant, oid, audience = AUDIENCE }) {
  const now = Math.floor(Date.now() / 1000);
  return { aud: audience, iss: issuer, tid: tenant, oid, sub: oid, appid: 'forger', iat: now - 10, nbf: now - 10, exp: now + 3600 };
}

/** RS256 token signed by a key the vault has never seen, claiming the given kid. */
export function forgedRs256(claims, kid = 'forged') {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const head = enc({ alg: 'RS256', typ: 'JWT', kid });
  const body = enc(claims);
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/** Unsigned token (alg none). */
export const unsigned = (claims) => `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;

/** Decodes a JWT payload without verifying it (to copy real claims). */
export const payloadOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
export const headerOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'));

/** RS256 token signed with the development identity provider's real key (from its data folder), any claims. */
export function signedByIdp(pem, kid, claims, header = {}) {
  const head = enc({ alg: 'RS256', typ: 'JWT', kid, ...header });
  const body = enc(claims);
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), crypto.createPrivateKey(pem)).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/** HS256 token whose HMAC key is the given bytes (e.g. the issuer's public key: the classic key-confusion attack). */
export function hs256(claims, secret, kid) {
  const head = enc({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) });
  const body = enc(claims);
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
