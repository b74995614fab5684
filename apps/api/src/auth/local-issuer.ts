import { JWK, SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded setup's own issuer of sign-in tokens: an Ed25519 key pair in a directory beside the data, made on
 * first use. The API trusts its public half when no identity provider is configured; the CLI signs with the
 * private half (`npm run cli -- auth token`). A province's identity provider replaces it in production.
 */
const KEY_FILE = 'issuer.private.jwk.json';

/** The issuer's private key, made (readable by its owner only) when the directory has none. */
export async function localIssuerKey(dir: string): Promise<JWK> {
  const path = join(dir, KEY_FILE);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`Cannot read the local issuer's key ${path}: ${(error as Error).message}`);
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'EdDSA', use: 'sig' };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written whole under a name of its own, then linked in: two processes starting at once keep the first key
  // linked, and neither ever reads a file half written.
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temporary, JSON.stringify(jwk), { mode: 0o600 });
  try {
    linkSync(temporary, path);
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(readFileSync(path, 'utf8')) as JWK;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** The public half of a key pair, as a JWKS a verifier trusts. */
export function publicKeySet(privateJwk: JWK): { keys: JWK[] } {
  const { d: _secret, ...publicJwk } = privateJwk;
  return { keys: [publicJwk] };
}

export interface TokenClaims {
  user: string;
  role: string;
  org: string;
}

/** A signed sign-in token for a person: `sub`, `role`, `org`, a fresh `jti`, valid from now for `ttlSeconds`. */
export async function signToken(
  privateJwk: JWK,
  claims: TokenClaims,
  options: { issuer: string; audience: string; ttlSeconds: number; notBefore?: number },
): Promise<string> {
  const key = await importJWK(privateJwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role, org: claims.org })
    .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid, typ: 'JWT' })
    .setSubject(claims.user)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setNotBefore(options.notBefore ?? now)
    .setExpirationTime(now + options.ttlSeconds)
    .sign(key);
}
