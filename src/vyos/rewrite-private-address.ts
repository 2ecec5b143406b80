/**
 * Scale-up copies the running configuration to a new, bigger instance. The new instance has a
 * new private address, and the Transit VPC's users lost every tunnel because the copied
 * config still named the old one: rewrite it wherever it appears (`local-address`, the PSK
 * `id`s, `local-id`, interface addresses, BGP `update-source`, …). Hardware ids (`hw-id`)
 * belong to the old instance's NICs and would stop the new one from bringing eth0 up.
 * `system login` is left to the new instance's own image: its lines carry crypt hashes
 * (`$6$…`) that flatnet's shell-safe value check refuses by design, and the AMI already has
 * the bot's login (without it flatnet could not have connected).
 */
import type { ConfigLine } from './types.js';
import { assertIpAddress } from './validate-network-input.js';

export interface RewriteOptions {
  from: string;
  to: string;
}

function rewriteToken(token: string, from: string, to: string): string {
  if (token === from) return to;
  // An interface address with its prefix length: 10.0.1.10/24.
  if (token.startsWith(`${from}/`)) return `${to}${token.slice(from.length)}`;
  return token;
}

export function rewritePrivateAddress(lines: ConfigLine[], { from, to }: RewriteOptions): ConfigLine[] {
  assertIpAddress(from, 'old private address');
  assertIpAddress(to, 'new private address');
  return lines
    .filter((l) => !l.path.includes('hw-id') && !(l.path[0] === 'system' && l.path[1] === 'login'))
    .map((l) => {
      const path = l.path.map((w) => rewriteToken(w, from, to));
      return l.value === undefined ? { op: l.op, path } : { op: l.op, path, value: rewriteToken(l.value, from, to) };
    });
}
