import { refusedUrl } from './public-address';

describe('the addresses a webhook may reach', () => {
  it.each([
    'http://127.0.0.1:2113/',
    'http://10.1.2.3/x',
    'http://169.254.169.254/latest/meta-data',
    'http://192.168.0.9/',
    'http://[::1]/',
    'http://localhost/',
  ])('refuses %s in production: it is inside the network', async (url) =>
    expect(await refusedUrl(new URL(url), false)).toMatch(/inside the network/),
  );

  it('takes a public address, and a private one where the embedded setup allows it', async () => {
    expect(await refusedUrl(new URL('https://8.8.8.8/events'), false)).toBeUndefined();
    expect(await refusedUrl(new URL('http://127.0.0.1:9000/events'), true)).toBeUndefined();
  });

  it('refuses credentials in the URL, wherever it points', async () => {
    expect(await refusedUrl(new URL('https://bureau:secret@8.8.8.8/'), true)).toMatch(/user name or password/);
  });
});
