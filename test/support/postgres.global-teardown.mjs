export default async function teardown() {
  await globalThis.__EMBEDDED_POSTGRES__?.stop();
}
