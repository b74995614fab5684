import { join } from 'node:path';

/** How people and services sign in, and how much each may ask. */
export interface AuthConfig {
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` every token must carry: this API. */
  audience: string;
  /** The identity provider's JWKS (OpenID Connect `jwks_uri`), fetched and cached. */
  jwksUrl?: string;
  /** A JWKS file of the public keys tokens are signed with. */
  publicKeysFile?: string;
  /**
   * The embedded setup's own issuer: a key pair kept in this directory signs tokens (`npm run cli -- auth token`).
   * Only when no identity provider is configured, and never in production.
   */
  localIssuerDir?: string;
  /** The hashes of the service keys, with their scopes (`npm run cli -- auth service-key create`). */
  serviceKeysFile: string;
  /** Requests one identity (or, before sign-in, one address) may make in a minute; 0 for no limit. */
  requestsPerMinute: number;
  /** Borrower lookups one person may make in a minute. */
  lookupsPerMinute: number;
  /** Whether /docs (the OpenAPI page and document) is open to all; outside production by default. */
  docsPublic: boolean;
}

export const LOCAL_ISSUER = 'urn:guaranteed-loans:local-issuer';
export const DEFAULT_AUDIENCE = 'guaranteed-loans-api';

/** Reads the sign-in settings, adding what is wrong to `problems`. */
export function loadAuthConfig(env: NodeJS.ProcessEnv, dataDir: string, problems: string[]): AuthConfig {
  const production = env.NODE_ENV === 'production';
  const jwksUrl = env.AUTH_JWKS_URL || undefined;
  const publicKeysFile = env.AUTH_PUBLIC_KEYS_FILE || undefined;
  const provider = jwksUrl !== undefined || publicKeysFile !== undefined;
  if (jwksUrl !== undefined && publicKeysFile !== undefined) problems.push('set AUTH_JWKS_URL or AUTH_PUBLIC_KEYS_FILE, not both');
  if (jwksUrl !== undefined && !isHttpUrl(jwksUrl, production))
    problems.push(`AUTH_JWKS_URL must be an https:// address, not "${jwksUrl}"`);
  if (production && !provider)
    problems.push('AUTH_JWKS_URL or AUTH_PUBLIC_KEYS_FILE must be set in production (the local issuer is for the embedded setup)');
  if (production && !env.AUTH_ISSUER) problems.push('AUTH_ISSUER must be set in production');
  // An empty issuer or audience would switch its check off (jose compares only what it is given).
  const issuer = env.AUTH_ISSUER || (provider ? undefined : LOCAL_ISSUER);
  if (env.AUTH_AUDIENCE === '') problems.push('AUTH_AUDIENCE must not be empty (leave it unset for "guaranteed-loans-api")');
  if (issuer === undefined) problems.push('AUTH_ISSUER must be set with AUTH_JWKS_URL or AUTH_PUBLIC_KEYS_FILE');
  const requestsPerMinute = count(env.RATE_LIMIT_PER_MINUTE, 3_000, 'RATE_LIMIT_PER_MINUTE', problems);
  const lookupsPerMinute = count(env.LOOKUPS_PER_MINUTE, 30, 'LOOKUPS_PER_MINUTE', problems);
  const docs = env.DOCS_PUBLIC ?? (production ? 'false' : 'true');
  if (docs !== 'true' && docs !== 'false') problems.push(`DOCS_PUBLIC must be true or false, not "${docs}"`);
  return {
    issuer: issuer ?? '',
    audience: env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE,
    jwksUrl,
    publicKeysFile,
    localIssuerDir: provider ? undefined : (env.AUTH_LOCAL_ISSUER_DIR ?? join(dataDir, 'auth')),
    serviceKeysFile: env.SERVICE_KEYS_FILE ?? join(dataDir, 'auth', 'service-keys.json'),
    requestsPerMinute,
    lookupsPerMinute,
    docsPublic: docs === 'true',
  };
}

function count(value: string | undefined, fallback: number, name: string, problems: string[]): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 0) problems.push(`${name} must be a whole number (0 for no limit), not "${value}"`);
  return n;
}

/** An identity provider is reached over https; plain http only outside production (a provider on this machine). */
function isHttpUrl(url: string, production: boolean): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'https:' || (!production && protocol === 'http:');
  } catch {
    return false;
  }
}
