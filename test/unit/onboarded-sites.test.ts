/**
 * A site a router carries that the inventory does not list is a network of the policy model,
 * `unassigned` when the inventory names no `traffic.defaultRole` (the routers have its
 * addresses in no role group), so `allows` drops what the routers drop instead of calling its
 * addresses `outside`. With a default role: test/unit/default-role-group.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { allows, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { sitesOf, withOnboardedSites } from '../../src/policy/onboarded-sites.js';
import { set } from '../../src/vyos/config-line.js';

const peer = (name: string) => ['vpn', 'ipsec', 'site-to-site', 'peer', name];
const HUB_LINES = [
  // route-based, static routes into its VTI
  set([...peer('kobe'), 'remote-address'], '198.51.100.78'),
  set([...peer('kobe'), 'vti', 'bind'], 'vti100'),
  set(['protocols', 'static', 'route', '10.200.2.0/24', 'interface', 'vti100']),
  // policy-based
  set([...peer('nara'), 'remote-address'], '198.51.100.79'),
  set([...peer('nara'), 'tunnel', '1', 'remote', 'prefix'], '10.200.3.0/24'),
  // BGP: its inbound prefix-list
  set([...peer('sakai'), 'remote-address'], '198.51.100.80'),
  set([...peer('sakai'), 'vti', 'bind'], 'vti101'),
  set(['policy', 'prefix-list', 'SITE-sakai-IN', 'rule', '10', 'prefix'], '10.200.4.0/24'),
  // a spoke: BGP over its VTI, no site subnets
  set([...peer('spoke-virginia'), 'remote-address'], '203.0.113.10'),
  set([...peer('spoke-virginia'), 'vti', 'bind'], 'vti10'),
  // the office, listed under traffic.sites
  set([...peer('office'), 'remote-address'], '198.51.100.1'),
  set([...peer('office'), 'tunnel', '1', 'remote', 'prefix'], '192.168.0.0/16'),
];

const POLICY: TrafficPolicy = {
  networks: [
    {
      label: 'us-east-1/staging',
      kind: 'vpc',
      cidrs: ['10.11.0.0/16'],
      role: 'staging',
      roleFrom: 'inventory',
      path: 'regions.us-east-1.vpcs.0',
    },
    {
      label: 'site/office',
      kind: 'site',
      cidrs: ['192.168.0.0/16'],
      role: 'office',
      roleFrom: 'inventory',
      path: 'traffic.sites.office',
    },
  ],
  rules: [
    { number: 1, from: 'office', to: 'staging', action: 'accept', protocol: 'all', ports: [] },
  ],
  groups: {},
  peerBandwidth: {},
  roles: ['office', 'staging'],
};

describe('sites onboarded but not listed, in the policy model', () => {
  it('reads each site peer with the subnets the router routes to it', () => {
    expect(sitesOf(HUB_LINES)).toEqual([
      { peer: 'kobe', subnets: ['10.200.2.0/24'] },
      { peer: 'nara', subnets: ['10.200.3.0/24'] },
      { peer: 'sakai', subnets: ['10.200.4.0/24'] },
      { peer: 'office', subnets: ['192.168.0.0/16'] },
    ]);
  });

  it('adds the unlisted ones as unassigned: closed both ways, as on the routers', () => {
    const model = withOnboardedSites(POLICY, sitesOf(HUB_LINES));
    expect(model.networks.map((n) => `${n.label} ${n.role}`)).toEqual([
      'us-east-1/staging staging',
      'site/office office',
      'site/kobe unassigned',
      'site/nara unassigned',
      'site/sakai unassigned',
    ]);
    for (const site of ['10.200.2.9', '10.200.3.9', '10.200.4.9']) {
      expect(allows(POLICY, { src: site, dst: '10.11.0.9', protocol: 'icmp' })).toBe(true);
      expect(allows(model, { src: site, dst: '10.11.0.9', protocol: 'icmp' })).toBe(false);
      expect(allows(model, { src: '10.11.0.9', dst: site, protocol: 'icmp' })).toBe(false);
    }
    // A listed network keeps its rules; an address in no network at all is still `outside`.
    expect(allows(model, { src: '192.168.1.1', dst: '10.11.0.9', protocol: 'icmp' })).toBe(true);
    expect(allows(model, { src: '172.16.0.1', dst: '10.11.0.9', protocol: 'icmp' })).toBe(true);
  });

  it('leaves a site whose subnets a listed network already holds to that network', () => {
    const inside = [{ peer: 'lab', subnets: ['10.11.5.0/24'] }];
    expect(withOnboardedSites(POLICY, inside)).toBe(POLICY);
  });
});
