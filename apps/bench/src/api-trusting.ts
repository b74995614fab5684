/**
 * The API with sign-in taken out, for `npm run bench` only: every request acts as the load's centre clerk
 * without a token being verified, so that the bench can print what verifying tokens costs (same load, same run).
 * Never a way to run the API: nothing but the bench starts this file.
 */
import { Principal } from '@app/domain';
import { createApp } from '../../api/src/app';
import { Authenticator } from '../../api/src/auth/authenticator';
import { loadConfig } from '../../api/src/config';

const LOAD_CLERK: Principal = {
  kind: 'person',
  userId: 'load',
  role: 'centre_clerk',
  organisationId: 'GC-360721',
  tokenId: 'bench',
  scopes: [],
};

async function main() {
  const config = loadConfig();
  const app = await createApp(config, ['error']);
  app.get(Authenticator).authenticate = async () => LOAD_CLERK;
  await app.listen(config.port, config.host);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
