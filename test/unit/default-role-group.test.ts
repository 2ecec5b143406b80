/**
 * A site the inventory does not list, in the network-group of `traffic.defaultRole`: the lines
 * a runbook types on one router (src/policy/default-role-group.ts) are the apply's own render
 * and diff of that one group, and the policy model (onboarded-sites.ts) renders the same group,
 * so `/vpn policy diff` has nothing to add once the runbook ran.
 */
import { describe, expect, it } from 'vitest';
import { allows, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { diffTrafficPolicy } from '../../src/policy/diff-traffic-policy.js';
import {
  joinRoleGroupLines,
  leaveRoleGroupLines,
  roleGroupNetworks,
} from '../../src/policy/default-role-group.js';
import { withOnboardedSites } from '../../src/policy/onboarded-sites.js';
import { renderTrafficPolicy } from '../../src/policy/render-traffic-policy.js';
import { renderConfigLine, set } from '../../src/vyos/config-line.js';

/** A VPC of us-east-1 named for its role. */
const vpc = (role: string, cidr: string, i: number): TrafficPolicy['networks'][number] => ({
  label: `us-east-1/${role}`,
  kind: 'vpc',
  cidrs: [cidr],
  role,
  roleFrom: 'inventory',
  path: `regions.us-east-1.vpcs.${i}`,
});

const POLICY: TrafficPolicy = {
  networks: [vpc('staging', '10.11.0.0/16', 0), vpc('production', '10.10.0.0/16', 1)],
  rules: [
    { number: 1, from: 'staging', to: 'production', action: 'drop', protocol: 'all', ports: [] },
    { number: 2, from: 'production', to: 'staging', action: 'accept', protocol: 'all', ports: [] },
  ],
  groups: {},
  peerBandwidth: {},
  roles: ['production', 'staging'],
  defaultRole: 'staging',
};
const FACTS = {
  router: 'spoke',
  ethernet: [{ name: 'eth0' }],
  vti: [{ name: 'vti1' }],
  wireguard: [],
};
const SITE = { peer: 'sakai', subnets: ['10.200.4.0/24'] };
const text = (lines: ReturnType<typeof joinRoleGroupLines>) => lines.map(renderConfigLine);
const GROUP = 'firewall group network-group FLATNET-ROLE-staging';

describe('a new network in the default role', () => {
  const applied = renderTrafficPolicy(POLICY, FACTS);

  it('the model gives an unlisted site the default role, and unassigned without one', () => {
    const model = withOnboardedSites(POLICY, [SITE]);
    expect(model.networks.at(-1)).toMatchObject({ label: 'site/sakai', role: 'staging' });
    expect(allows(model, { src: '10.10.0.9', dst: '10.200.4.9', protocol: 'icmp' })).toBe(true);
    expect(allows(model, { src: '10.200.4.9', dst: '10.10.0.9', protocol: 'icmp' })).toBe(false);
    const { defaultRole: _, ...noDefault } = POLICY;
    const closed = withOnboardedSites(noDefault, [SITE]);
    expect(closed.networks.at(-1)).toMatchObject({ role: 'unassigned' });
    expect(allows(closed, { src: '10.10.0.9', dst: '10.200.4.9', protocol: 'icmp' })).toBe(false);
  });

  it('joins one subnet to the group the router runs: what an apply of the model would add', () => {
    const joined = joinRoleGroupLines(applied, 'staging', SITE.subnets);
    expect(text(joined)).toEqual([`set ${GROUP} network '10.200.4.0/24'`]);
    // The apply of the model with the site finds the router so changed as it wants it.
    const after = [...applied, ...joined];
    const model = withOnboardedSites(POLICY, [SITE]);
    expect(diffTrafficPolicy(after, renderTrafficPolicy(model, FACTS))).toEqual([]);
    expect(roleGroupNetworks(after, 'staging')).toEqual(['10.11.0.0/16', '10.200.4.0/24']);
    // Already there: nothing; leaving takes exactly that value out, the rest stays.
    expect(joinRoleGroupLines(after, 'staging', SITE.subnets)).toEqual([]);
    expect(text(leaveRoleGroupLines(after, 'staging', SITE.subnets))).toEqual([
      `delete ${GROUP} network '10.200.4.0/24'`,
    ]);
    expect(leaveRoleGroupLines(applied, 'staging', SITE.subnets)).toEqual([]);
  });

  it('touches nothing but the one group, and nothing on a router without it', () => {
    // An operator's own group and a stale flatnet rule stay for the apply to judge.
    const drifted = [
      ...applied,
      set(['firewall', 'group', 'network-group', 'OPS', 'network'], '10.9.0.0/16'),
      set(['firewall', 'ipv4', 'name', 'FLATNET-POLICY', 'rule', '90', 'action'], 'accept'),
    ];
    expect(text(joinRoleGroupLines(drifted, 'staging', SITE.subnets))).toEqual([
      `set ${GROUP} network '10.200.4.0/24'`,
    ]);
    // No policy applied, or no rule names the default role: no group, no line.
    expect(joinRoleGroupLines([], 'staging', SITE.subnets)).toEqual([]);
    expect(joinRoleGroupLines(applied, 'sandbox', SITE.subnets)).toEqual([]);
  });

  it('a group left with no network loses its network leaf, as the apply would write it', () => {
    const only = [
      set(
        ['firewall', 'group', 'network-group', 'FLATNET-ROLE-staging', 'description'],
        'flatnet role staging',
      ),
      set(
        ['firewall', 'group', 'network-group', 'FLATNET-ROLE-staging', 'network'],
        '10.200.4.0/24',
      ),
    ];
    expect(text(leaveRoleGroupLines(only, 'staging', SITE.subnets))).toEqual([
      `delete ${GROUP} network`,
    ]);
  });
});
