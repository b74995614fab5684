import { Command, InvalidArgumentError } from 'commander';
import { PERSON_ROLES, SERVICE_SCOPES } from '@app/domain';
import { loadConfig } from '../../api/src/config';
import { localIssuerKey, publicKeySet, signToken } from '../../api/src/auth/local-issuer';
import { createServiceKey, readKeys, revokeServiceKey } from '../../api/src/auth/service-keys';

const duration = (v: string) => {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (!m) throw new InvalidArgumentError('a duration looks like 30m, 8h or 7d');
  return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as 'm' | 'h' | 'd'];
};

/**
 * Sign-in from the command line, configured like the API: tokens from the embedded setup's local issuer, its
 * public keys for a verifier elsewhere, and backend services' keys (only their hashes are kept).
 */
export function authCommands(): Command {
  const auth = new Command('auth').description('Sign-in: tokens of the local issuer and service keys.');
  auth
    .command('token')
    .description("Sign a token for a person with the local issuer (the embedded setup's sign-in).")
    .requiredOption('--user <id>', 'who signs in')
    .requiredOption('--role <role>', PERSON_ROLES.join(', '))
    .requiredOption(
      '--org <id>',
      'their organisation: a centre (GC-360721), a bank branch (ABC-360721), a finance department (FIN-360721)…',
    )
    .option('--ttl <duration>', 'how long it is valid', duration, 8 * 3600)
    .action(async (opts: { user: string; role: string; org: string; ttl: number }) => {
      if (!(PERSON_ROLES as readonly string[]).includes(opts.role))
        throw new InvalidArgumentError(`--role must be one of ${PERSON_ROLES.join(', ')}`);
      const config = loadConfig().auth;
      if (!config.localIssuerDir)
        throw new Error('An identity provider is configured (AUTH_JWKS_URL or AUTH_PUBLIC_KEYS_FILE): sign in with it.');
      const key = await localIssuerKey(config.localIssuerDir);
      process.stdout.write(`${await signToken(key, opts, { issuer: config.issuer, audience: config.audience, ttlSeconds: opts.ttl })}\n`);
    });
  auth
    .command('public-keys')
    .description("The local issuer's public key as a JWKS, for AUTH_PUBLIC_KEYS_FILE of another API.")
    .action(async () => {
      const dir = loadConfig().auth.localIssuerDir;
      if (!dir) throw new Error('An identity provider is configured; its keys are at its JWKS address.');
      process.stdout.write(`${JSON.stringify(publicKeySet(await localIssuerKey(dir)), null, 2)}\n`);
    });
  const keys = auth.command('service-key').description("Backend services' keys (X-Api-Key).");
  keys
    .command('create')
    .argument('<name>', 'the service, e.g. credit-bureau-feed')
    .requiredOption('--scopes <actions>', `comma-separated: ${SERVICE_SCOPES.join(', ')}`)
    .description('Make a key: printed once, only its hash is kept in SERVICE_KEYS_FILE.')
    .action((name: string, opts: { scopes: string }) => {
      const file = loadConfig().auth.serviceKeysFile;
      const { key, record } = createServiceKey(
        file,
        name,
        opts.scopes.split(',').map((s) => s.trim()),
      );
      console.error(`Service key ${record.id} for ${name} (${record.scopes.join(', ')}), kept as a hash in ${file}. It is shown once:`);
      process.stdout.write(`${key}\n`);
    });
  keys
    .command('revoke')
    .argument('<id>', 'the key id (the 16 hex digits after gls_)')
    .description('Revoke a key: the API refuses it within a second.')
    .action((id: string) => {
      const record = revokeServiceKey(loadConfig().auth.serviceKeysFile, id);
      console.error(`Service key ${record.id} of ${record.name} revoked on ${record.revoked}.`);
    });
  keys
    .command('list')
    .description('The keys: id, service, scopes, when made and revoked (never the keys).')
    .action(() => {
      for (const r of readKeys(loadConfig().auth.serviceKeysFile))
        process.stdout.write(`${r.id}\t${r.name}\t${r.scopes.join(',')}\t${r.created}\t${r.revoked ?? ''}\n`);
    });
  return auth;
}
