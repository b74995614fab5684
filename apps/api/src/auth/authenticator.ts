import { JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { readFileSync } from 'node:fs';
import { PERSON_ROLES, Principal, Role } from '@app/domain';
import { AuthConfig } from './auth-config';
import { localIssuerKey, publicKeySet } from './local-issuer';
import { ServiceKeyError, ServiceKeys } from './service-keys';

/** Why a request's credentials were refused: a stable code and words a clerk understands. */
export class AuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Signatures from asymmetric keys only: a shared secret would let anyone who verifies tokens also make them. */
const ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256'];
const IDENTIFIER = /^[\w.:@-]{1,64}$/;
const SIGN_IN_AGAIN = 'Sign in again to get a new token.';
/**
 * Tokens verified lately are taken again without checking their signature (about 130 µs each, an eighth of a
 * request's cost over HTTP; see docs/performance.md). An entry lasts until its token expires or for a minute,
 * whichever is sooner, so a key the provider withdraws stops working within a minute.
 */
const REMEMBER_MS = 60_000;
const REMEMBERED = 10_000;

/**
 * Who a request comes from: a person's bearer token (a JWT signed by the identity provider, or by the local
 * issuer of the embedded setup), or a backend service's key in X-Api-Key. Nothing else in the request counts.
 */
export class Authenticator {
  private constructor(
    private readonly config: AuthConfig,
    private readonly keySet: JWTVerifyGetKey,
    private readonly serviceKeys: ServiceKeys,
  ) {}

  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  static async create(config: AuthConfig): Promise<Authenticator> {
    return new Authenticator(config, await keySetOf(config), new ServiceKeys(config.serviceKeysFile));
  }

  /** The principal, undefined when the request carries no credentials, or an AuthError. */
  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal | undefined> {
    const authorization = first(headers.authorization);
    const apiKey = first(headers['x-api-key']);
    if (authorization !== undefined && apiKey !== undefined)
      throw new AuthError('AUTH.TWO_CREDENTIALS', 'Send either a bearer token or a service key, not both.');
    if (apiKey !== undefined) return this.service(apiKey);
    if (authorization === undefined) return undefined;
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization.trim())?.[1];
    if (!token) throw new AuthError('AUTH.MALFORMED', 'The Authorization header must be "Bearer " followed by a sign-in token.');
    return this.person(token);
  }

  private service(key: string): Principal {
    try {
      return this.serviceKeys.verify(key.trim());
    } catch (error) {
      if (error instanceof ServiceKeyError) throw new AuthError('AUTH.BAD_SERVICE_KEY', error.message);
      throw error;
    }
  }

  private async person(token: string): Promise<Principal> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.until > now) return known.principal;
    const { principal, expiresAt } = await this.verify(token);
    if (this.verified.size >= REMEMBERED) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, until: Math.min(now + REMEMBER_MS, expiresAt) });
    return principal;
  }

  private async verify(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keySet, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'jti', 'exp', 'role', 'org'],
        clockTolerance: 30,
      }));
    } catch (error) {
      throw tokenError(error);
    }
    const { sub, role, org, jti } = payload as JWTPayload & { role: unknown; org: unknown };
    if (!(PERSON_ROLES as readonly unknown[]).includes(role))
      throw new AuthError(
        'AUTH.TOKEN_UNKNOWN_ROLE',
        `The token's role "${String(role).slice(0, 32)}" is not one of ${PERSON_ROLES.join(', ')}.`,
      );
    if (!IDENTIFIER.test(String(sub)) || !IDENTIFIER.test(String(org)) || !IDENTIFIER.test(String(jti)))
      throw new AuthError('AUTH.TOKEN_MALFORMED', "The token's sub, org and jti must be 1 to 64 letters, digits or _ . : @ -.");
    const principal: Principal = {
      kind: 'person',
      userId: String(sub),
      role: role as Role,
      organisationId: String(org),
      tokenId: String(jti),
      scopes: [],
    };
    // Shared by every request the token makes while it is remembered: nothing may change it.
    return { principal: Object.freeze(principal), expiresAt: payload.exp! * 1000 };
  }
}

async function keySetOf(config: AuthConfig): Promise<JWTVerifyGetKey> {
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  if (config.publicKeysFile) {
    try {
      return createLocalJWKSet(JSON.parse(readFileSync(config.publicKeysFile, 'utf8')));
    } catch (error) {
      throw new Error(`Cannot read the public keys AUTH_PUBLIC_KEYS_FILE=${config.publicKeysFile}: ${(error as Error).message}`);
    }
  }
  return createLocalJWKSet(publicKeySet(await localIssuerKey(config.localIssuerDir!)));
}

function tokenError(error: unknown): AuthError {
  if (error instanceof errors.JWTExpired) return new AuthError('AUTH.TOKEN_EXPIRED', `The sign-in token has expired. ${SIGN_IN_AGAIN}`);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat')
      return new AuthError('AUTH.TOKEN_NOT_YET_VALID', 'The sign-in token is not valid yet; check the clock of the system that made it.');
    if (error.claim === 'aud')
      return new AuthError('AUTH.TOKEN_WRONG_AUDIENCE', `The sign-in token was made for another system, not this API. ${SIGN_IN_AGAIN}`);
    if (error.claim === 'iss')
      return new AuthError('AUTH.TOKEN_WRONG_ISSUER', `The sign-in token comes from an issuer this API does not trust. ${SIGN_IN_AGAIN}`);
    return new AuthError('AUTH.TOKEN_MALFORMED', `The sign-in token lacks or has a bad "${error.claim}" claim. ${SIGN_IN_AGAIN}`);
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSEAlgNotAllowed
  )
    return new AuthError('AUTH.TOKEN_BAD_SIGNATURE', `The sign-in token is not signed by a key this API trusts. ${SIGN_IN_AGAIN}`);
  // The provider out of reach, or answering something that is not its key set: the token may be good, try again.
  const keySetUnusable =
    error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && /JSON Web Key Set HTTP response/.test(error.message));
  if (error instanceof errors.JWKSTimeout || keySetUnusable || unreachable(error))
    return new AuthError('AUTH.PROVIDER_UNREACHABLE', 'The identity provider could not be reached to check the token; try again shortly.');
  return new AuthError('AUTH.TOKEN_INVALID', `The sign-in token could not be read. ${SIGN_IN_AGAIN}`);
}

/** A network error on the way to the provider (not `instanceof Error`: it may come from another realm). */
function unreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return /^E(CONN|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|TIMEDOUT)/.test(String(code)) || /fetch failed/i.test(String(message));
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
