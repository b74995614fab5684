/**
 * Waits until `done()` holds, checking every `everyMs`; fails naming `what` if it does not hold within
 * `timeoutMs`, so that a test never goes on as though it had.
 */
export async function waitUntil(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
