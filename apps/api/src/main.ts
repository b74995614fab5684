import { createApp } from './app';
import { loadConfig } from './config';

async function main() {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  console.log(
    `API on http://${config.host}:${config.port} (OpenAPI at /docs), events in ${config.eventStoreConnectionString ? 'EventStoreDB' : config.eventStorePath}`,
  );
  if (config.auth.localIssuerDir)
    console.log(
      `Sign-in by the local issuer (keys in ${config.auth.localIssuerDir}). Get a token, then send it as "Authorization: Bearer <token>":\n` +
        '  npm run cli -- auth token --user clerk-01 --role centre_clerk --org GC-360721',
    );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
