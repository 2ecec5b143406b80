import { describe, expect, it } from 'vitest';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { tokenizeCliLine } from '../../src/sim/vyos/parse-cli-words.js';
import { compareCommands, compareTree } from '../../src/sim/vyos/compare-configs.js';
import { checkCommit, formatCommitFailures } from '../../src/sim/vyos/check-commit.js';
import { renderCurlyBody } from '../../src/sim/vyos/render-config-curly.js';
import { generateWireguardKeyPair } from '../../src/sim/vyos/wireguard-keys.js';

const words = (line: string): string[] => tokenizeCliLine(line).map((t) => t.text);
const KEY_A = generateWireguardKeyPair();
const KEY_B = generateWireguardKeyPair();

const base = [
  "set interfaces ethernet eth0 address '10.0.1.10/24'",
  "set interfaces wireguard wg0 address '10.250.0.1/24'",
  "set interfaces wireguard wg0 port '51820'",
  `set interfaces wireguard wg0 private-key '${KEY_A.privateKey}'`,
  `set interfaces wireguard wg0 peer bob public-key '${KEY_B.publicKey}'`,
  "set interfaces wireguard wg0 peer bob allowed-ips '10.250.0.11/32'",
  "set system host-name 'hub-tokyo-a'",
];

describe('VyOS config tree', () => {
  it('tokenizes single quotes, double quotes with escapes and bare words', () => {
    expect(words(`set a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['set', 'a', 'b c', 'd "e"', 'f g']);
    expect(tokenizeCliLine("show x | match 'a|b'").map((t) => t.separator ?? t.text)).toEqual([
      'show',
      'x',
      '|',
      'match',
      'a|b',
    ]);
  });

  it(
    'renders show configuration commands sorted, ' +
      'values quoted, tag names bare, and round-trips',
    () => {
      const tree = ConfigTree.fromSetLines(base);
      const lines = tree.toSetLines();
      expect(lines[0]).toBe("set interfaces ethernet eth0 address '10.0.1.10/24'");
      expect(lines).toContain("set interfaces wireguard wg0 peer bob allowed-ips '10.250.0.11/32'");
      expect(lines.at(-1)).toBe("set system host-name 'hub-tokyo-a'");
      expect(ConfigTree.fromSetLines(lines).toSetLines()).toEqual(lines);
    },
  );

  it('shows each set and delete at the next show configuration commands; a clone apart', () => {
    const tree = ConfigTree.fromSetLines(base);
    const first = tree.toSetLines();
    first.push('set something the caller added');
    expect(tree.toSetLines()).toEqual([...base].sort());
    tree.set(words("interfaces ethernet eth0 description 'uplink'"));
    expect(tree.toSetLines()).toContain("set interfaces ethernet eth0 description 'uplink'");
    const clone = tree.clone();
    tree.delete(words('interfaces wireguard wg0 peer bob'));
    expect(tree.toSetLines().some((l) => l.includes('peer bob'))).toBe(false);
    expect(clone.toSetLines().some((l) => l.includes('peer bob'))).toBe(true);
    tree.set(words("interfaces wireguard wg0 peer bob allowed-ips '10.250.0.11/32'"));
    expect(tree.toSetLines()).toContain(
      "set interfaces wireguard wg0 peer bob allowed-ips '10.250.0.11/32'",
    );
  });

  it('accumulates multi-value leaves and replaces single-value leaves', () => {
    const tree = ConfigTree.fromSetLines(base);
    expect(
      tree.set(words('interfaces wireguard wg0 peer bob allowed-ips 10.250.1.0/24')).failed,
    ).toBe(false);
    expect(tree.set(words("system host-name 'hub-tokyo-b'")).failed).toBe(false);
    expect(tree.values('interfaces wireguard wg0 peer bob allowed-ips')).toEqual([
      '10.250.0.11/32',
      '10.250.1.0/24',
    ]);
    expect(tree.values('system host-name')).toEqual(['hub-tokyo-b']);
    const again = tree.set(words('interfaces wireguard wg0 peer bob allowed-ips 10.250.1.0/24'));
    expect(again.failed).toBe(false);
    expect(again.lines[0]).toMatch(/already exists/);
  });

  it('takes ip adjust-mss on an interface as vyos-1x adjust-mss.xml.i does', () => {
    const tree = ConfigTree.fromSetLines(base);
    for (const ok of ['1380', '536', '65535', 'clamp-mss-to-pmtu'])
      expect(tree.set(words(`interfaces wireguard wg0 ip adjust-mss '${ok}'`)).failed, ok).toBe(
        false,
      );
    for (const bad of ['535', '65536', 'auto']) {
      const result = tree.set(words(`interfaces wireguard wg0 ip adjust-mss '${bad}'`));
      expect(result.failed, bad).toBe(true);
      expect(result.lines).toContain('Invalid value');
    }
    expect(tree.set(words('interfaces vti vti10 ip adjust-msss 1360')).failed).toBe(true);
  });

  it('rejects a bad path with the position of the bad word', () => {
    const tree = new ConfigTree();
    const result = tree.set(words('interfaces wireguard wg0 peer alice peeer x'));
    expect(result).toEqual({
      failed: true,
      lines: [
        'Configuration path: interfaces wireguard wg0 peer alice [peeer] is not valid',
        'Set failed',
      ],
    });
    expect(tree.set(words('foo bar')).lines[0]).toBe('Configuration path: [foo] is not valid');
  });

  it('rejects bad values with Value validation failed', () => {
    const tree = new ConfigTree();
    for (const line of [
      'interfaces wireguard wg0 peer a public-key notakey',
      'interfaces ethernet eth0 address 10.0.0.300/24',
      'interfaces wireguard wg0 port 70000',
    ]) {
      const result = tree.set(words(line));
      expect(result.failed).toBe(true);
      expect(result.lines.slice(-2)).toEqual(['Value validation failed', 'Set failed']);
    }
    expect(tree.toSetLines()).toEqual([]);
  });

  it(
    "checks a BGP site's inbound filter like vyos-1x: " +
      'prefix-list rules, import name, maximum-prefix',
    () => {
      const tree = new ConfigTree();
      const n = 'protocols bgp neighbor 169.254.100.2 address-family ipv4-unicast';
      for (const line of [
        'policy prefix-list SITE-kyoto-IN rule 10 action permit',
        'policy prefix-list SITE-kyoto-IN rule 10 prefix 172.23.0.0/16',
        `${n} prefix-list import SITE-kyoto-IN`,
        `${n} maximum-prefix 2`,
        `${n} as-override`,
      ])
        expect(tree.set(words(line)), line).toEqual({ failed: false, lines: [] });
      for (const line of [
        'policy prefix-list SITE-kyoto-IN rule 10 action allow',
        'policy prefix-list SITE-kyoto-IN rule 0 action permit',
        'policy prefix-list SITE-kyoto-IN rule 10 prefix 2001:db8::/32',
        'policy prefix-list SITE-kyoto-IN rule 10 le 33',
        'policy prefix-list bad/name rule 10 action permit',
        `${n} maximum-prefix 0`,
        `${n} prefix-list import bad/name`,
      ]) {
        const result = tree.set(words(line));
        expect(result.failed, line).toBe(true);
        expect(result.lines.slice(-2)).toEqual(['Value validation failed', 'Set failed']);
      }
      expect(tree.set(words(`${n} prefix-list imprt SITE-kyoto-IN`)).failed).toBe(true);
    },
  );

  it(
    'fails the commit of a neighbour whose ' + 'prefix-list does not exist, with the vyos-1x text',
    () => {
      const working = ConfigTree.fromSetLines([
        "set protocols bgp system-as '65000'",
        "set protocols bgp neighbor 169.254.100.2 remote-as '65123'",
        'set protocols bgp neighbor 169.254.100.2 address-family ' +
          "ipv4-unicast prefix-list import 'SITE-kyoto-IN'",
      ]);
      expect(checkCommit(new ConfigTree(), working)[0]?.message).toBe(
        'Specified prefix-list "SITE-kyoto-IN" does not exist!',
      );
      working.set(words('policy prefix-list SITE-kyoto-IN rule 10 action permit'));
      working.set(words('policy prefix-list SITE-kyoto-IN rule 10 prefix 172.23.0.0/16'));
      expect(checkCommit(new ConfigTree(), working)).toEqual([]);
    },
  );

  it('deletes values, subtrees and prunes emptied containers; reports nothing to delete', () => {
    const tree = ConfigTree.fromSetLines(base);
    expect(tree.delete(words('interfaces wireguard wg0 peer bob')).failed).toBe(false);
    expect(tree.has('interfaces wireguard wg0 peer')).toBe(false);
    expect(tree.has('interfaces wireguard wg0')).toBe(true);
    expect(tree.delete(words('interfaces ethernet eth0 address 10.0.1.10/24')).failed).toBe(false);
    expect(tree.toSetLines()).toContain('set interfaces ethernet eth0');
    expect(tree.delete(words('interfaces wireguard wg0 peer nobody'))).toEqual({
      failed: true,
      lines: ['Nothing to delete (the specified node does not exist)', 'Delete failed'],
    });
  });

  it('accepts any path in unmodelled subtrees and deletes by value there', () => {
    const tree = new ConfigTree();
    expect(tree.set(words('nat source rule 100 translation address masquerade')).failed).toBe(
      false,
    );
    expect(tree.set(words('service ssh port 22')).failed).toBe(false);
    expect(tree.toSetLines()).toEqual([
      "set nat source rule 100 translation address 'masquerade'",
      "set service ssh port '22'",
    ]);
    expect(tree.delete(words('service ssh port 22')).failed).toBe(false);
    expect(tree.has('service')).toBe(false);
  });

  it('compare commands lists deletes then sets; compare shows a tree diff', () => {
    const active = ConfigTree.fromSetLines(base);
    const working = active.clone();
    working.delete(words('interfaces wireguard wg0 peer bob'));
    working.set(words(`interfaces wireguard wg0 peer alice public-key ${KEY_B.publicKey}`));
    working.set(words('interfaces wireguard wg0 peer alice allowed-ips 10.250.0.10/32'));
    working.set(words('system host-name hub-tokyo-b'));
    expect(compareCommands(active, working)).toEqual([
      'delete interfaces wireguard wg0 peer bob',
      "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
      `set interfaces wireguard wg0 peer alice public-key '${KEY_B.publicKey}'`,
      "set system host-name 'hub-tokyo-b'",
    ]);
    const tree = compareTree(active, working);
    expect(tree[0]).toBe('[edit interfaces wireguard wg0]');
    expect(tree).toContain('+peer alice {');
    expect(tree).toContain('-peer bob {');
    expect(tree).toContain('[edit system]');
    expect(tree).toContain('+host-name hub-tokyo-b');
    expect(compareCommands(active, active.clone())).toEqual([]);
  });

  it('renders the curly form with tag instances folded into their container', () => {
    const body = renderCurlyBody(ConfigTree.fromSetLines(base).root, 0);
    expect(body.slice(0, 5)).toEqual([
      'interfaces {',
      '    ethernet eth0 {',
      '        address 10.0.1.10/24',
      '    }',
      '    wireguard wg0 {',
    ]);
  });

  it(
    'fails the commit of a WireGuard peer without ' + 'allowed-ips or public-key, with VyOS text',
    () => {
      const active = ConfigTree.fromSetLines(base);
      const working = active.clone();
      working.set(words(`interfaces wireguard wg0 peer BRANCH1 public-key ${KEY_B.publicKey}`));
      const failures = checkCommit(active, working);
      expect(formatCommitFailures(failures)).toEqual([
        '[ interfaces wireguard wg0 ]',
        'Wireguard allowed-ips required for peer "BRANCH1"!',
        '',
        '[[interfaces wireguard wg0]] failed',
        'Commit failed',
      ]);
      const noKey = active.clone();
      noKey.set(words('interfaces wireguard wg0 peer carol allowed-ips 10.250.0.12/32'));
      expect(checkCommit(active, noKey)[0]?.message).toBe(
        'Wireguard public-key required for peer "carol"!',
      );
    },
  );

  it('fails a site-to-site peer with the texts of vyos-1x vpn_ipsec.py verify()', () => {
    const active = new ConfigTree();
    const working = ConfigTree.fromSetLines([
      "set vpn ipsec esp-group ESP proposal 1 encryption 'aes256'",
      "set vpn ipsec site-to-site peer OFFICE default-esp-group 'ESP'",
      "set vpn ipsec site-to-site peer OFFICE tunnel 0 local prefix '10.0.0.0/16'",
    ]);
    const message = () => checkCommit(active, working)[0]?.message;
    expect(message()).toBe('Missing ike-group on site-to-site peer OFFICE');
    working.set(words('vpn ipsec site-to-site peer OFFICE ike-group IKE-MISSING'));
    expect(checkCommit(active, working)).toEqual([
      { section: 'vpn ipsec', message: 'Invalid ike-group on site-to-site peer OFFICE' },
    ]);
    working.set(words('vpn ipsec ike-group IKE-MISSING key-exchange ikev2'));
    working.set(words('vpn ipsec site-to-site peer OFFICE default-esp-group ESP-NOPE'));
    expect(message()).toBe('Invalid esp-group on site-to-site peer OFFICE');
    working.set(words('vpn ipsec site-to-site peer OFFICE default-esp-group ESP'));
    expect(message()).toBe('Missing authentication on site-to-site peer OFFICE');
    working.set(words('vpn ipsec site-to-site peer OFFICE authentication mode pre-shared-secret'));
    expect(message()).toBe('Missing local-address or dhcp-interface on site-to-site peer OFFICE');
    working.set(words('vpn ipsec site-to-site peer OFFICE local-address 10.0.1.10'));
    working.set(words('vpn ipsec site-to-site peer OFFICE tunnel 1 esp-group ESP-NOPE'));
    expect(message()).toBe('Invalid esp-group on tunnel 1 for site-to-site peer OFFICE');
    working.set(words('vpn ipsec site-to-site peer OFFICE tunnel 1 esp-group ESP'));
    working.set(words('vpn ipsec site-to-site peer OFFICE vti bind vti9'));
    expect(message()).toBe('VTI interface vti9 for site-to-site peer OFFICE does not exist!');
    working.set(words('interfaces vti vti9'));
    expect(checkCommit(active, working)).toEqual([]);
  });

  it("refuses a WireGuard peer that carries the interface's own public key", () => {
    const working = ConfigTree.fromSetLines([
      `set interfaces wireguard wg0 private-key '${KEY_A.privateKey}'`,
      `set interfaces wireguard wg0 peer me public-key '${KEY_A.publicKey}'`,
      "set interfaces wireguard wg0 peer me allowed-ips '10.250.0.9/32'",
    ]);
    expect(checkCommit(new ConfigTree(), working)[0]?.message).toBe(
      'Peer "me" has the same public key as the interface "wg0"',
    );
  });

  it('checks only sections that changed, like VyOS runs only their scripts', () => {
    const broken = ConfigTree.fromSetLines([
      "set interfaces wireguard wg1 peer x public-key '" + KEY_A.publicKey + "'",
    ]);
    const working = broken.clone();
    working.set(words('system host-name other'));
    expect(checkCommit(broken, working)).toEqual([]);
  });
});
