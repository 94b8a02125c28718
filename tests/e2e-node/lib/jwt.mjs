// Hand-made JWTs for negative authentication tests.
import crypto from 'node:crypto';

const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

export function claimsLike({ issuer, tenant, oid, audience = 'https://vault.azure.net' }) {
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
