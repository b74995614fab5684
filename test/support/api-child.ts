/**
 * The API in a process of its own, for tests that must limit or kill it: listens on a free port on
 * 127.0.0.1 and prints its URL as the first line. Configured from the environment like the real API.
 */
import { createApp } from '../../apps/api/src/app';
import { loadConfig } from '../../apps/api/src/config';

async function main() {
  const app = await createApp(loadConfig({ ...process.env, PORT: '0', DAY_END_AT: 'off' }), ['error']);
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`${await app.getUrl()}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
