// Tokens signed with the e2e runtime's JWT secret and issuer (the global setup configures both).
import { SignJWT } from 'jose';
import { inject } from 'vitest';

/** An unsigned token builder with the runtime's issuer and a subject; set what the test varies, then sign. */
export function tokenBuilder(claims: Record<string, unknown>, subject = 'user-1') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(inject('jwt').issuer)
    .setSubject(subject);
}

/** A token valid for five minutes, signed with `key` (the runtime's secret unless a test forges one). */
export function signToken(claims: Record<string, unknown>, options: { key?: string; subject?: string } = {}) {
  return tokenBuilder(claims, options.subject)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(options.key ?? inject('jwt').secret));
}
