import { EVENT_CATALOGUE, EVENT_SCHEMAS } from '@app/domain';
import { Api, application, startApi } from './support/api';
import { CLERK } from './support/auth';

/**
 * If the program ever decides an event its published schema does not allow (here: the published LoanApplied
 * says its amount is text where the program records a number, as when a type is changed and not published with
 * `npm run contract`), the request is refused before anything is appended, and said to have recorded nothing.
 */
describe('an event that breaks its published contract', () => {
  let api: Api;
  const published = EVENT_SCHEMAS.LoanApplied[EVENT_CATALOGUE.LoanApplied.version] as { properties: Record<string, object> };
  const amount = published.properties.amount;

  beforeAll(async () => {
    published.properties.amount = { type: 'string' };
    api = await startApi();
  });
  afterAll(async () => {
    published.properties.amount = amount;
    await api.stop();
  });

  it('is never recorded: the request fails with SERVER.EVENT_CONTRACT and the log stays empty', async () => {
    const reply = await api.post('/loans', application(1), CLERK);
    expect(reply).toMatchObject({ status: 500, body: { code: 'SERVER.EVENT_CONTRACT' } });
    expect(reply.body.detail).toMatch(/Nothing was recorded/);
    expect(await api.eventCount()).toBe(0);
  });
});
