import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

/** Addresses inside an organisation's network or on the machine itself: a webhook must not reach them in production. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/**
 * Why a webhook URL may not be used, or undefined when it may: no credentials in it, and (unless private addresses
 * are allowed, as in the embedded setup) a host that resolves only to public addresses, so that a webhook cannot be
 * aimed at the event store, a metadata service or anything else inside the network.
 */
export async function refusedUrl(url: URL, privateAllowed: boolean): Promise<string | undefined> {
  if (url.username || url.password)
    return 'A webhook URL must not hold a user name or password; the signature authenticates each delivery.';
  if (privateAllowed) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `The host ${host} of the webhook URL cannot be found.`;
  }
  const inside = addresses.find((a) => PRIVATE.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4'));
  return inside ? `The webhook URL reaches ${inside}, an address inside the network; use a public address.` : undefined;
}
