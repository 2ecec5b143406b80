import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInventory, loadInventory } from '../../src/config/load-inventory.js';
import { InventoryError } from '../../src/config/../errors.js';
import { flatAggregates, outsideAggregates } from '../../src/config/flat-network.js';
import { checkSiteSubnets } from '../../src/onboarding/add-peer-request.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/inventory/${name}`, import.meta.url), 'utf8');

function problemsOf(text: string, file = 'flatnet.yml'): string[] {
  try {
    parseInventory(text, file, null);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    return (err as InventoryError).problems;
  }
  throw new Error('expected the inventory to be refused');
}

describe('inventory', () => {
  it('accepts the shipped example of the reference topology', () => {
    const inv = parseInventory(
      readFileSync('examples/flatnet.yml', 'utf8'),
      'examples/flatnet.yml',
      null,
    );
    expect(Object.keys(inv.regions)).toHaveLength(6);
    expect(inv.routers['hub-tokyo-a']?.standby).toBe('hub-tokyo-b');
    expect(Object.values(inv.routers).filter((r) => r.role === 'spoke')).toHaveLength(5);
    expect(inv.policies.scaleup?.expiryMinutes).toBe(30);
    expect(inv.timeouts.sshConnectMs).toBe(5000);
  });

  it(
    'keeps finished runs 90 days unless history.retentionDays ' +
      'says otherwise, and refuses nonsense',
    () => {
      const base = readFileSync('examples/flatnet.yml', 'utf8');
      const without = base.replace(/\nhistory:\n.*\n/, '\n');
      expect(without).not.toContain('retentionDays');
      expect(parseInventory(without, 'flatnet.yml', null).history.retentionDays).toBe(90);
      const week = base.replace('retentionDays: 90', 'retentionDays: 7');
      expect(parseInventory(week, 'flatnet.yml', null).history.retentionDays).toBe(7);
      const zero = base.replace('retentionDays: 90', 'retentionDays: 0');
      expect(problemsOf(zero).join('\n')).toContain('history.retentionDays');
    },
  );

  it('names the file and line of a YAML syntax error', () => {
    const problems = problemsOf(fixture('malformed.yml'), 'malformed.yml');
    expect(problems[0]).toMatch(/^malformed\.yml:\d+:\d+: YAML syntax error/);
  });

  it('takes one anchor named by hundreds of values, and refuses a billion laughs', () => {
    // 300 uses of one anchor (yaml's default limit is 100): the document is read, and the
    // only problem left is the key that holds them, which the schema does not know.
    const base = readFileSync('examples/flatnet.yml', 'utf8').replace(
      /ladder: \[t3\.small, t3\.medium, c5\.large\]/,
      'ladder: &spoke-ladder [t3.small, t3.medium, c5.large]',
    );
    const aliases = Array.from({ length: 300 }, () => '  - *spoke-ladder');
    expect(problemsOf(`${base}\nladders:\n${aliases.join('\n')}\n`)).toEqual([
      expect.stringMatching(/^flatnet\.yml: \(top level\): unknown key "ladders"/),
    ]);

    const level = (i: number) => String.fromCharCode(97 + i);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${level(i)}: &${level(i)} [${Array(10)
          .fill(`*${level(i - 1)}`)
          .join(', ')}]`,
      );
    expect(problemsOf(laughs.join('\n'))[0]).toMatch(/^flatnet\.yml: YAML aliases expand too far/);
  });

  it('lists every problem of a broken inventory with its path and a fix', () => {
    const problems = problemsOf(fixture('broken.yml'), 'broken.yml');
    const text = problems.join('\n');
    expect(text).toContain('broken.yml: network.1: must be an IPv4 CIDR');
    expect(text).toContain(
      'routers.hub-tokyo-a: unknown key "instanceID" — remove it or check the spelling',
    );
    expect(text).toContain('routers.hub-tokyo-a.instanceId: is missing');
    expect(text).toContain(
      'routers.hub-tokyo-a.ssh.hostKey: is missing — run `ssh-keyscan -t ed25519',
    );
    expect(text).toContain('routers.a;reboot: the name must be letters, digits, - and _');
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('checks references between entries once the fields are valid', () => {
    const base = readFileSync('examples/flatnet.yml', 'utf8');
    const broken = base
      .replace('standby: hub-tokyo-b', 'standby: spoke-oregon')
      .replace('region: us-west-2\n    role: spoke', 'region: us-west-9\n    role: spoke')
      .replace(
        'approvers: [network-approvers], distinctApprovers: ' +
          '1, allowSelfApproval: false, expiryMinutes: 30 }',
        'approvers: [wizards] }',
      );
    const text = problemsOf(broken).join('\n');
    expect(text).toContain(
      'routers.hub-tokyo-a.standby: "spoke-oregon" has role spoke — give it role: standby',
    );
    expect(text).toContain('routers.spoke-oregon.region: "us-west-9" is not under regions:');
    expect(text).toContain('policies.scaleup.approvers: "wizards" is neither a group');
  });

  it('refuses a WireGuard pool that overlaps the flat network', () => {
    const base = readFileSync('examples/flatnet.yml', 'utf8');
    const text = problemsOf(base.replace('pool: 10.250.0.0/24', 'pool: 10.0.200.0/24')).join('\n');
    expect(text).toContain(
      'routers.hub-tokyo-a.wireguard.pool: 10.0.200.0/24 overlaps network 10.0.0.0/16',
    );
  });

  it('says how to get an inventory when the file is missing', () => {
    expect(() => loadInventory('/nonexistent/flatnet.yml')).toThrow(/does not exist/);
    try {
      loadInventory('/nonexistent/flatnet.yml');
    } catch (err) {
      expect((err as InventoryError).hint).toContain('flatnet sim --write-inventory');
    }
  });

  it('reports a missing SSH key file with the command that creates it', () => {
    const problems = (() => {
      try {
        parseInventory(
          readFileSync('examples/flatnet.yml', 'utf8'),
          'examples/flatnet.yml',
          '/nonexistent',
        );
        return [];
      } catch (err) {
        return (err as InventoryError).problems;
      }
    })();
    expect(problems[0]).toContain(
      'routers.hub-tokyo-a.ssh.privateKeyPath: /nonexistent/keys/flatnet_ed25519 does not exist',
    );
    expect(problems[0]).toContain('ssh-keygen -t ed25519');
  });
});

describe('the flat network address plan (network.aggregates)', () => {
  const example = readFileSync('examples/flatnet.yml', 'utf8');
  const parse = (text: string) => parseInventory(text, 'flatnet.yml', null);
  const withoutNetwork = example.replace(/^network:\n(?: {2}.*\n)+/m, '');

  it('uses the declared aggregates', () => {
    expect(flatAggregates(parse(example))).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
  });

  it('defaults to every VPC CIDR and WireGuard pool of the inventory', () => {
    expect(parse(withoutNetwork).network).toBeUndefined();
    const aggregates = flatAggregates(parse(withoutNetwork));
    expect(aggregates).toContain('10.0.0.0/16');
    expect(aggregates).toContain('10.51.0.0/16');
    expect(aggregates).toContain('10.250.0.0/24');
    expect(aggregates).toHaveLength(12);
  });

  it('reads the older plain list as those networks plus the WireGuard pools', () => {
    const legacy = withoutNetwork.replace(
      'aws:\n',
      'network: [10.0.0.0/16, 192.168.0.0/16]\naws:\n',
    );
    const inv = parse(legacy);
    expect(flatAggregates(inv)).toContain('192.168.0.0/16');
    expect(flatAggregates(inv)).toContain('10.250.0.0/24');
    // The listed networks stay assigned: a site must not take them.
    expect(() => checkSiteSubnets(inv, ['192.168.7.0/24'])).toThrow(/overlaps 192\.168\.0\.0\/16/);
  });

  it('a site inside the aggregates is fine unless it overlaps a VPC or a pool', () => {
    const inv = parse(example);
    expect(() => checkSiteSubnets(inv, ['10.200.0.0/24'])).not.toThrow();
    expect(() => checkSiteSubnets(inv, ['10.250.0.128/25'])).toThrow(
      /overlaps 10\.250\.0\.0\/24 \(hub-tokyo-a WireGuard pool\)/,
    );
  });

  it('refuses a VPC the declared aggregates do not cover, naming it', () => {
    const text = problemsOf(example.replace('cidr: 10.51.0.0/16', 'cidr: 172.16.0.0/16')).join(
      '\n',
    );
    expect(text).toContain(
      'network.aggregates: 172.16.0.0/16 (sa-east-1 VPC staging) is outside every aggregate',
    );
  });

  it('names what falls outside the aggregates', () => {
    expect(
      outsideAggregates(['10.0.0.0/8'], ['10.9.0.0/16', '172.16.1.0/24', '10.0.0.0/7']),
    ).toEqual(['172.16.1.0/24', '10.0.0.0/7']);
  });
});
