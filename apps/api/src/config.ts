import { dirname, join } from 'node:path';
import { AuthConfig, loadAuthConfig } from './auth/auth-config';
import { Rules, loadRules as loadRulesFrom } from '@app/programme';

/** The API's settings, read from the environment once and checked at boot; nothing else reads process.env. */
export interface ApiConfig {
  port: number;
  host: string;
  /** The SQLite file of the embedded store, or ':memory:'; with EventStoreDB it keeps only local checkpoints (and the read store, unless READ_STORE_URL). */
  eventStorePath: string;
  /** EventStoreDB connection string (esdb://…): production. The embedded store when unset. */
  eventStoreConnectionString?: string;
  /** Secret for the keyed hash of ID numbers; changing it splits every borrower from their history. */
  borrowerKeySecret: string;
  /**
   * The borrowers' keys, which seal their personal data in the history (KEYRING_PATH; `keyring.db` beside the
   * event store). Back it up apart from the history: see docs/privacy.md.
   */
  keyringPath: string;
  /**
   * The programme's Ed25519 signing key for the monthly history digests (PKCS#8 PEM). Outside production it
   * is made on first use in the data directory; in production it must be given, or months are not sealed
   * (`off` leaves it out anywhere).
   */
  auditSigningKeyFile?: string;
  /** Day-end run each day at this time (HH:MM, programme time zone) for the day before; 'off' to disable. */
  dayEndAt: string;
  timeZone: string;
  reconcileEveryMs: number;
  /** PostgreSQL URL of the read store (production); the event store's SQLite file when unset. */
  readStoreUrl?: string;
  /** 'in-process' runs the ledgers' projections inside the API (embedded setup); 'off' leaves them to apps/projector. */
  projections: 'in-process' | 'off';
  /** JSON files replacing the Jiangxi defaults (same shape as `JIANGXI_REFERENCE` and `JIANGXI_POLICIES`). */
  referenceDataFile?: string;
  policyFile?: string;
  /** How long a query given a log position (`?after=`) waits for the ledgers to reach it. */
  readWaitMs: number;
  /** How often an idle feed connection gets a heartbeat comment, so proxies keep it open. */
  feedHeartbeatMs: number;
  /** How long a feed follower may take nothing before it is disconnected (it resumes from its last id). */
  feedStallMs: number;
  /** How long a disconnected feed client waits before it reconnects (sent to it as the SSE retry). */
  feedRetryMs: number;
  /** The longest a feed connection lasts before it is closed, to resume with the credentials the client has then. */
  feedConnectionMs: number;
  /** 'in-process' delivers the registered webhooks from this API (one API process only); 'off' delivers none. */
  webhooks: 'in-process' | 'off';
  /** Attempts at one event before it becomes a dead letter; the first retry waits `webhookRetryMs`, doubling. */
  webhookMaxAttempts: number;
  webhookRetryMs: number;
  /** How long a receiver has to answer one delivery. */
  webhookTimeoutMs: number;
  /** Whether webhooks may reach private and loopback addresses: yes in the embedded setup, no in production. */
  webhookPrivateAddresses: boolean;
  auth: AuthConfig;
}

const DEV_SECRET = 'embedded-development-secret-change-me';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number, not "${env.PORT}"`);
  const dayEndAt = env.DAY_END_AT ?? '00:30';
  if (dayEndAt !== 'off' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(dayEndAt))
    problems.push(`DAY_END_AT must be HH:MM or off, not "${dayEndAt}"`);
  const secret = env.BORROWER_KEY_SECRET ?? DEV_SECRET;
  if (env.NODE_ENV === 'production' && secret === DEV_SECRET) problems.push('BORROWER_KEY_SECRET must be set in production');
  if (secret.length < 16) problems.push('BORROWER_KEY_SECRET must be at least 16 characters');
  const projections = env.PROJECTIONS ?? 'in-process';
  if (projections !== 'in-process' && projections !== 'off') problems.push(`PROJECTIONS must be in-process or off, not "${projections}"`);
  const timeZone = env.PROGRAMME_TIME_ZONE ?? 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    problems.push(`PROGRAMME_TIME_ZONE "${timeZone}" is not a time zone`);
  }
  const readWaitMs = Number(env.READ_WAIT_MS ?? 5_000);
  if (!Number.isInteger(readWaitMs) || readWaitMs < 0 || readWaitMs > 60_000)
    problems.push(`READ_WAIT_MS must be a number of milliseconds up to 60000, not "${env.READ_WAIT_MS}"`);
  const milliseconds = (name: string, fallback: number) => {
    const n = Number(env[name] ?? fallback);
    if (!Number.isInteger(n) || n < 10 || n > 3_600_000) problems.push(`${name} must be a number of milliseconds, not "${env[name]}"`);
    return n;
  };
  const feedHeartbeatMs = milliseconds('FEED_HEARTBEAT_MS', 15_000);
  const feedStallMs = milliseconds('FEED_STALL_MS', 30_000);
  const feedRetryMs = milliseconds('FEED_RETRY_MS', 1_000);
  const feedConnectionMs = milliseconds('FEED_CONNECTION_MS', 3_600_000);
  const webhooks = env.WEBHOOKS ?? 'in-process';
  if (webhooks !== 'in-process' && webhooks !== 'off') problems.push(`WEBHOOKS must be in-process or off, not "${webhooks}"`);
  const webhookMaxAttempts = Number(env.WEBHOOK_MAX_ATTEMPTS ?? 10);
  if (!Number.isInteger(webhookMaxAttempts) || webhookMaxAttempts < 1 || webhookMaxAttempts > 100)
    problems.push(`WEBHOOK_MAX_ATTEMPTS must be a whole number from 1 to 100, not "${env.WEBHOOK_MAX_ATTEMPTS}"`);
  const webhookRetryMs = milliseconds('WEBHOOK_RETRY_MS', 1_000);
  const webhookTimeoutMs = milliseconds('WEBHOOK_TIMEOUT_MS', 10_000);
  const privateAddresses = env.WEBHOOK_PRIVATE_ADDRESSES ?? (env.NODE_ENV === 'production' ? 'refuse' : 'allow');
  if (privateAddresses !== 'allow' && privateAddresses !== 'refuse')
    problems.push(`WEBHOOK_PRIVATE_ADDRESSES must be allow or refuse, not "${privateAddresses}"`);
  const eventStorePath = env.EVENT_STORE_PATH ?? join(process.cwd(), 'data', 'events.db');
  const dataDir = eventStorePath === ':memory:' ? join(process.cwd(), 'data') : dirname(eventStorePath);
  const auth = loadAuthConfig(env, dataDir, problems);
  if (problems.length) throw new Error(`Configuration is not valid:\n- ${problems.join('\n- ')}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    eventStorePath,
    borrowerKeySecret: secret,
    keyringPath: env.KEYRING_PATH || (eventStorePath === ':memory:' ? ':memory:' : join(dataDir, 'keyring.db')),
    auditSigningKeyFile:
      env.AUDIT_SIGNING_KEY_FILE === 'off'
        ? undefined
        : env.AUDIT_SIGNING_KEY_FILE || (env.NODE_ENV === 'production' ? undefined : join(dataDir, 'audit', 'signing-key.pem')),
    dayEndAt,
    timeZone,
    reconcileEveryMs: Number(env.RECONCILE_EVERY_MS ?? 60_000),
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    referenceDataFile: env.REFERENCE_DATA_FILE,
    policyFile: env.POLICY_FILE,
    projections: projections as ApiConfig['projections'],
    readStoreUrl: env.READ_STORE_URL,
    readWaitMs,
    feedHeartbeatMs,
    feedStallMs,
    feedRetryMs,
    feedConnectionMs,
    webhooks: webhooks as ApiConfig['webhooks'],
    webhookMaxAttempts,
    webhookRetryMs,
    webhookTimeoutMs,
    webhookPrivateAddresses: privateAddresses === 'allow',
    auth,
  };
}

/** The reference data and policies in force: the Jiangxi defaults unless files replace them. */
export const loadRules = (config: ApiConfig): Rules =>
  loadRulesFrom({ referenceDataFile: config.referenceDataFile, policyFile: config.policyFile });

/** Today's date in the programme's time zone (formatters are costly to build: one per zone). */
const formatters = new Map<string, Intl.DateTimeFormat>();
const lastToday = new Map<string, { second: number; date: string }>();
export function today(timeZone: string, now = new Date()): string {
  // The date changes once a day: formatting it for every request is wasted, so it is kept for the second.
  const second = Math.floor(now.getTime() / 1000);
  const last = lastToday.get(timeZone);
  if (last?.second === second) return last.date;
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const date = f.format(now);
  lastToday.set(timeZone, { second, date });
  return date;
}
