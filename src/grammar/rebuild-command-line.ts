/**
 * The grammar's inverse: the command line that asks for a run again, rebuilt from the run
 * record (never from the raw text, which may have held something that must not be echoed).
 * Every line it makes parses with parseCommand back to the same request: "ask again with …"
 * must be something a person can paste. The record holds only validated values, and the
 * only key it can hold is a WireGuard *public* key, which is safe to show.
 */
import type { Json, Run, RunKind } from '../runbook/types.js';

export type RunCommandFields = Pick<Run, 'kind' | 'target' | 'params'> & { dryRun?: boolean };

const COMMAND_OF_KIND: Record<RunKind, string> = {
  status: '/vpn status',
  reach: '/vpn reach',
  'router-status': '/router status',
  history: '/router history',
  scaleup: '/router scaleup',
  scaledown: '/router scaledown',
  failover: '/router failover',
  failback: '/router failback',
  'add-peer': '/vpn add-peer',
  'remove-peer': '/vpn remove-peer',
  peers: '/vpn peers',
  'reissue-peer': '/vpn reissue-peer',
  'attach-vpc': '/vpn attach-vpc',
  'sync-standby': '/vpn sync-standby',
  'policy-show': '/vpn policy show',
  'policy-diff': '/vpn policy diff',
  'policy-apply': '/vpn policy apply',
};

/**
 * `/vpn add-peer osaka ipsec --remote 198.51.100.7 --subnets 10.1.0.0/16 --mode route --router
 * hub-tokyo-a --dry-run`
 */
export function rebuildCommandLine(run: RunCommandFields): string {
  const parts = [COMMAND_OF_KIND[run.kind]];
  const target = run.target === '*' ? undefined : run.target;
  const p = run.params;
  switch (run.kind) {
    case 'peers':
      // /vpn peers names its router with --router, not as a word.
      push(parts, 'router', target);
      break;
    case 'add-peer':
      parts.push(...words(target));
      // The record of an IPsec site has its remote address; a WireGuard peer's has none.
      if (valueOf(p.remote) !== undefined) {
        parts.push('ipsec');
        for (const option of ['remote', 'subnets', 'bgp', 'mode'] as const)
          push(parts, option, valueOf(p[option]));
      } else {
        push(parts, 'pubkey', valueOf(p.pubkey));
      }
      push(parts, 'router', valueOf(p.router));
      break;
    case 'reach':
      parts.push(...words(target));
      push(parts, 'port', valueOf(p.port));
      break;
    case 'remove-peer':
    case 'reissue-peer':
      parts.push(...words(target));
      push(parts, 'router', valueOf(p.router));
      break;
    case 'attach-vpc':
      parts.push(...words(target));
      push(parts, 'region', valueOf(p.region));
      break;
    case 'scaleup':
    case 'scaledown':
      parts.push(...words(target));
      push(parts, 'type', valueOf(p.type));
      break;
    default:
      parts.push(...words(target));
  }
  if (run.dryRun && MUTATING.has(run.kind)) parts.push('--dry-run');
  return parts.join(' ');
}

/** Only these accept --dry-run; the reads would refuse it. */
const MUTATING = new Set<RunKind>([
  'add-peer',
  'remove-peer',
  'attach-vpc',
  'scaleup',
  'scaledown',
  'failover',
  'failback',
  'sync-standby',
  'policy-apply',
]);

function words(target: string | undefined): string[] {
  return target === undefined ? [] : [target];
}

function push(parts: string[], option: string, value: string | undefined): void {
  if (value !== undefined && value !== '') parts.push(`--${option} ${value}`);
}

/** A parameter as the grammar would read it: strings and numbers as typed, a list comma-joined. */
function valueOf(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(',');
  return undefined;
}
