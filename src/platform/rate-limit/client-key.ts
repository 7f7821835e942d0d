/**
 * The key a per-client budget is counted under. An IPv4 address is one client. An IPv6 client is its /64:
 * a host is usually handed a whole /64 and may pick any of its 2^64 addresses, so a budget per full
 * address would be a budget per request for anyone who rotates them. IPv4-mapped IPv6 (`::ffff:a.b.c.d`,
 * what a dual-stack socket reports) is the IPv4 address, so both spellings share one budget.
 */
import { isIPv6 } from 'node:net';

const IPV6_GROUPS = 8;
/** The network half of an IPv6 address: the first 4 groups of 16 bits. */
const NETWORK_GROUPS = 4;
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The 8 groups of an IPv6 address, `::` expanded; an embedded IPv4 tail counts as two groups. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const split = (part: string) => (part === '' ? [] : part.split(':'));
  const headGroups = split(head);
  const tailGroups = tail === undefined ? [] : split(tail);
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const missing = tail === undefined ? 0 : IPV6_GROUPS - width(headGroups) - width(tailGroups);
  return [...headGroups, ...Array.from({ length: missing }, () => '0'), ...tailGroups];
}

/** `request.ip` → the client's budget key: the IPv4 address, or the IPv6 /64 as `2001:db8:0:1::/64`. */
export function clientKey(ip: string): string {
  const mapped = MAPPED_IPV4.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(ip)) return ip;
  const zoneless = ip.split('%')[0] as string;
  const network = ipv6Groups(zoneless)
    .slice(0, NETWORK_GROUPS)
    .map((group) => Number.parseInt(group, 16).toString(16));
  return `${network.join(':')}::/64`;
}
