import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { InventoryError } from '../../src/errors.js';
import { withTraffic } from '../helpers/traffic-inventory.js';
import {
  readTrafficPolicy,
  ruleFor,
  UNASSIGNED_ROLE,
  type TrafficPolicy,
} from '../../src/config/traffic-policy.js';

const example = readFileSync('examples/flatnet.yml', 'utf8');

const RULES = [
  'sites:',
  '  office: { networks: [192.168.0.0/16], role: office, bandwidth: 50mbit }',
  'groups:',
  '  ops: [10.250.0.0/28]',
  'rules:',
  '  - { from: developers, to: staging }',
  '  - { from: developers, to: production, protocol: tcp, ports: [22, 443], fromGroup: ops }',
  '  - { from: shared, to: production, protocol: tcp, ports: [22] }',
].join('\n');

/** A traffic section with one mistake of each kind the cross-checks find. */
const BROKEN = [
  'defaultRole: sandbox',
  'sites:',
  '  office: { networks: [10.10.5.0/24], role: office }',
  'groups:',
  '  ops: [10.99.0.0/24]',
  'rules:',
  '  - { from: developer, to: staging }',
  '  - { from: developers, to: production, ports: [22] }',
  '  - { from: developers, to: production, protocol: tcp, ports: [22], fromGroup: opz }',
  '  - { from: developers, to: staging, protocol: tcp, ports: [22], fromGroup: ops }',
  '  - { from: developers, to: staging, protocol: tcp, ports: [9000-80] }',
];

function policyOf(text: string): TrafficPolicy {
  const policy = readTrafficPolicy(parseInventory(text, 'flatnet.yml', null));
  if (!policy) throw new Error('no traffic policy');
  return policy;
}

function problemsOf(text: string): string[] {
  try {
    parseInventory(text, 'flatnet.yml', null);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    return (err as InventoryError).problems;
  }
  throw new Error('expected the inventory to be refused');
}

describe('traffic policy in the inventory', () => {
  it('has no policy without a traffic section (everything routed talks, as before)', () => {
    expect(readTrafficPolicy(parseInventory(example, 'flatnet.yml', null))).toBeUndefined();
  });

  it('reads roles from the networks and rules between them, numbered as listed', () => {
    const p = policyOf(withTraffic(RULES));
    expect(p.roles).toEqual(['developers', 'office', 'production', 'shared', 'staging']);
    expect(p.networks.find((n) => n.label === 'us-east-1/production')?.role).toBe('production');
    expect(p.networks.find((n) => n.label === 'site/office')).toMatchObject({
      cidrs: ['192.168.0.0/16'],
      bandwidth: '50mbit',
    });
    expect(p.networks.find((n) => n.label === 'wireguard/hub-tokyo-a')?.role).toBe('developers');
    expect(p.rules[1]).toMatchObject({
      number: 2,
      from: 'developers',
      to: 'production',
      protocol: 'tcp',
      ports: ['22', '443'],
      fromGroup: 'ops',
    });
    expect(p.botNetwork).toBe('10.0.0.0/16');
  });

  it('lets a flow through by the first rule that matches, and only that', () => {
    const p = policyOf(withTraffic(RULES));
    const ops = '10.250.0.2';
    const dev = '10.250.0.100';
    const prod = '10.10.2.100';
    const staging = '10.11.2.100';
    expect(ruleFor(p, { src: dev, dst: staging, protocol: 'udp', port: 53 })).toMatchObject({
      number: 1,
    });
    expect(ruleFor(p, { src: ops, dst: prod, protocol: 'tcp', port: 443 })).toMatchObject({
      number: 2,
    });
    // Not from the ops group, not on 22/443, not tcp: dropped.
    expect(ruleFor(p, { src: dev, dst: prod, protocol: 'tcp', port: 443 })).toBeUndefined();
    expect(ruleFor(p, { src: ops, dst: prod, protocol: 'tcp', port: 80 })).toBeUndefined();
    expect(ruleFor(p, { src: ops, dst: prod, protocol: 'icmp' })).toBeUndefined();
    // Staging never reaches production: no rule names it.
    expect(ruleFor(p, { src: staging, dst: prod, protocol: 'tcp', port: 22 })).toBeUndefined();
    // Inside one network nothing crosses a router.
    expect(ruleFor(p, { src: '10.10.1.5', dst: prod, protocol: 'icmp' })).toBe('within');
  });

  it('isolates a network without a role unless defaultRole names one', () => {
    const unrole = (text: string) =>
      text.replace(
        'name: staging, cidr: 10.51.0.0/16, role: staging }',
        'name: staging, cidr: 10.51.0.0/16 }',
      );
    const noRole = unrole(withTraffic(RULES));
    const isolated = policyOf(noRole);
    const net = isolated.networks.find((n) => n.label === 'sa-east-1/staging')!;
    expect(net).toMatchObject({ role: UNASSIGNED_ROLE, roleFrom: 'default' });
    const flow = { src: '10.250.0.2', dst: '10.51.2.100', protocol: 'tcp' as const, port: 22 };
    expect(ruleFor(isolated, flow)).toBeUndefined();
    const defaulted = policyOf(unrole(withTraffic(`defaultRole: staging\n${RULES}`)));
    expect(defaulted.networks.find((n) => n.label === 'sa-east-1/staging')?.role).toBe('staging');
    expect(ruleFor(defaulted, flow)).toMatchObject({ number: 1 });
  });

  it('refuses unknown roles, ports without tcp/udp, missing groups, bad rates, overlaps', () => {
    const text = problemsOf(
      withTraffic(
        [...BROKEN.slice(0, 5), 'peers:', '  alice: { bandwidth: "10" }', ...BROKEN.slice(5)].join(
          '\n',
        ),
      ),
    ).join('\n');
    expect(text).toContain('traffic.peers.alice.bandwidth: must be a rate like 10mbit');
    // The schema refuses first; fix the rate to see the cross-references.
    const refs = problemsOf(withTraffic(BROKEN.join('\n'))).join('\n');
    expect(refs).toContain('traffic.defaultRole: no network has role "sandbox"');
    expect(refs).toContain('traffic.rules.0.from: no network has role "developer" (roles: ');
    expect(refs).toContain('traffic.rules.1.ports: ports need protocol tcp, udp or tcp_udp');
    expect(refs).toContain('traffic.rules.2.fromGroup: no group "opz" under traffic.groups');
    expect(refs).toContain(
      'traffic.groups.ops: 10.99.0.0/24 is inside no network of role developers',
    );
    expect(refs).toContain('traffic.rules.4.ports: 9000-80 is not a port range');
    expect(refs).toMatch(/traffic\.sites\.office: 10\.10\.5\.0\/24 \(role office\) overlaps/);
  });

  it('refuses a role that could not be a VyOS group name and a rule key it does not know', () => {
    const text = problemsOf(
      withTraffic('rules:\n  - { from: "Prod;reboot", to: staging, port: 22 }'),
    ).join('\n');
    expect(text).toContain('traffic.rules.0.from: must be a role like production');
    expect(text).toContain('traffic.rules.0: unknown key "port"');
  });
});
