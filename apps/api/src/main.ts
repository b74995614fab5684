import { createApp } from './app';
import { loadConfig } from './config';

async function main() {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  console.log(
    `API on http://${config.host}:${config.port} (OpenAPI at /docs), events in ${config.eventStoreConnectionString ? 'EventStoreDB' : config.eventStorePath}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
