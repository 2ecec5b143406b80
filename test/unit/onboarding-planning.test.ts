import { describe, expect, it } from 'vitest';
import { BadInputsError } from '../../src/errors.js';
import { parseCommand } from '../../src/grammar/parse-command.js';
import { addPeerParams, planAddPeer } from '../../src/onboarding/add-peer-request.js';
import { checkPeerIsNew } from '../../src/onboarding/check-peer-is-new.js';
import { firstFree, poolRange, takenRanges } from '../../src/onboarding/pool-range.js';
import { chooseSiteTunnel, renderSitePeerRemoval } from '../../src/onboarding/plan-ipsec-peer.js';
import { peerPrefixes, readHubConfig } from '../../src/onboarding/read-hub-config.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();
const KEY = 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=';

function plan(text: string, requester = 'U0ALICE') {
  const parsed = parseCommand('/vpn', text);
  if (!parsed.ok) throw new Error(parsed.message);
  return planAddPeer(parsed.command, inventory, requester);
}

const HUB = parseConfigCommands(
  [
    "set interfaces wireguard wg0 address '10.250.0.1/24'",
    "set interfaces wireguard wg0 peer carol allowed-ips '10.250.0.2/32'",
    `set interfaces wireguard wg0 peer carol public-key '${KEY}'`,
    "set interfaces wireguard wg0 peer wide allowed-ips '10.250.0.64/30'",
    "set interfaces vti vti100 address '169.254.100.1/30'",
    "set vpn ipsec site-to-site peer office remote-address '192.0.2.50'",
    "set vpn ipsec site-to-site peer office tunnel 0 remote prefix '172.16.0.0/16'",
    "set vpn ipsec site-to-site peer osaka remote-address '198.51.100.77'",
    "set vpn ipsec site-to-site peer osaka vti bind 'vti100'",
    'set protocols static route 172.20.0.0/16 interface vti100',
    "set protocols bgp neighbor 169.254.100.2 remote-as '65100'",
    'set protocols bgp neighbor 169.254.100.2 address-family ' +
      "ipv4-unicast prefix-list import 'SITE-osaka-IN'",
    "set policy prefix-list SITE-osaka-IN rule 10 action 'permit'",
    "set policy prefix-list SITE-osaka-IN rule 10 prefix '172.20.0.0/16'",
    'set protocols bgp address-family ipv4-unicast network 172.20.0.0/16',
    'set protocols bgp address-family ipv4-unicast network 172.16.0.0/16',
    "set protocols static route 172.16.0.0/16 dhcp-interface 'eth0'",
  ].join('\n'),
);

describe('the WireGuard pool arithmetic', () => {
  it(
    'skips the network address, the router (first host), ' +
      'the broadcast, and everything the router holds',
    () => {
      expect(poolRange('10.250.0.0/24')).toEqual({
        first: 10 * 2 ** 24 + 250 * 2 ** 16 + 2,
        last: 10 * 2 ** 24 + 250 * 2 ** 16 + 254,
      });
      const hub = readHubConfig(HUB);
      const taken = takenRanges(
        '10.250.0.0/24',
        hub.wireguard.peers.flatMap((p) => p.allowedIps),
        hub.wireguard.addresses,
      );
      expect(firstFree(poolRange('10.250.0.0/24'), taken)).toBe('10.250.0.3');
      expect(firstFree(poolRange('10.250.0.0/24'), taken, new Set(['10.250.0.3']))).toBe(
        '10.250.0.4',
      );
      // The /30 of a peer covers four addresses; the router's /24 interface address only itself.
      expect(taken).toContainEqual([
        10 * 2 ** 24 + 250 * 2 ** 16 + 64,
        10 * 2 ** 24 + 250 * 2 ** 16 + 67,
      ]);
      expect(
        firstFree(poolRange('10.250.9.0/29'), takenRanges('10.250.9.0/29', ['10.250.9.0/29'])),
      ).toBeUndefined();
      expect(() => poolRange('10.250.0.0/30')).toThrow(/too small/);
    },
  );
});

describe('add-peer planning', () => {
  it('picks the hub for WireGuard, keeps the key, and is self-service for developers', () => {
    const run = plan(`add-peer alice --pubkey ${KEY}`);
    expect(run).toMatchObject({
      kind: 'add-peer',
      target: 'alice',
      params: { router: 'hub-tokyo-a', pubkey: KEY },
      dryRun: false,
    });
    expect(run.approval).toBeUndefined();
    expect(addPeerParams({ params: run.params })).toEqual({
      kind: 'wireguard',
      router: 'hub-tokyo-a',
      publicKey: KEY,
    });
  });

  it(
    "refuses the all-zero key and the router's " + 'own key as --pubkey, without repeating them',
    () => {
      const zero = 'A'.repeat(43) + '=';
      const own = inventory.routers['hub-tokyo-a']!.wireguard!.publicKey!;
      expect(() => plan(`add-peer zed --pubkey ${zero}`)).toThrow(/--pubkey is the all-zero key/);
      expect(() => plan(`add-peer zed --pubkey ${own}`)).toThrow(
        /--pubkey is the WireGuard public key of hub-tokyo-a itself/,
      );
      for (const key of [zero, own])
        expect(() => plan(`add-peer zed --pubkey ${key}`)).not.toThrow(key);
      expect(() => plan(`add-peer zed --pubkey ${KEY}`)).not.toThrow();
    },
  );

  it('asks for approval for someone outside the self-service groups', () => {
    expect(plan('add-peer eve', 'U0NOBODY').approval?.approvers).toEqual(['U0BOB', 'U0CAROL']);
  });

  it('refuses BGP on a policy-based site and a site ASN equal to the hub AS', () => {
    const policyBgp = parseCommand(
      '/vpn',
      'add-peer kobe ipsec --remote 198.51.100.99 --subnets 172.22.0.0/24 --bgp 65100',
    );
    if (!policyBgp.ok || policyBgp.command.kind !== 'add-peer') throw new Error('parse');
    // The modal builds the command without the grammar: the planner refuses too.
    const command = {
      ...policyBgp.command,
      peer: { ...policyBgp.command.peer, mode: 'policy' as const },
    };
    expect(() => planAddPeer(command, inventory, 'U0ALICE')).toThrow(
      /BGP needs a route-based tunnel/,
    );
    expect(() =>
      plan('add-peer kobe ipsec --remote 198.51.100.99 --subnets 172.22.0.0/24 --bgp 65000'),
    ).toThrow(/--bgp 65000 is the AS of hub-tokyo-a/);
  });

  it(
    "refuses a remote that is not a site's public " +
      'address, bogon subnets and ASNs the network uses',
    () => {
      const site = (remote: string, rest = '--subnets 172.20.0.0/16') =>
        plan(`add-peer osaka ipsec --remote ${remote} ${rest}`);
      for (const [remote, why] of [
        ['0.0.0.0', '"this network"'],
        ['127.0.0.1', 'loopback'],
        ['169.254.10.1', 'link-local'],
        ['239.1.1.1', 'multicast'],
        ['255.255.255.255', 'reserved'],
      ])
        expect(() => site(remote!), remote).toThrow(`--remote ${remote} is ${why}`);
      expect(() => site('198.51.100.7')).toThrow(/spoke-virginia's own address/);
      expect(() => site('203.0.113.10')).toThrow(/hub-tokyo-a's own address/);
      expect(() => site('10.200.0.5')).toThrow(/10\.200\.0\.5 is a private address/);
      const privately = theReferenceFleet()
        .withNetwork({ privateSiteRanges: ['10.200.0.0/16'] })
        .build();
      const dc = parseCommand(
        '/vpn',
        'add-peer dc ipsec --remote 10.200.0.5 --subnets 172.20.0.0/16',
      );
      if (!dc.ok) throw new Error(dc.message);
      expect(planAddPeer(dc.command, privately, 'U0ALICE').params.remote).toBe('10.200.0.5');
      // Even reached privately, the hub's (and its standby's) own private address is no site: a
      // standby mirror would otherwise have rewritten it as the hub's own (see
      // rewritePrivateAddress).
      const inHubSubnet = theReferenceFleet()
        .withNetwork({ privateSiteRanges: ['10.0.1.0/24'] })
        .build();
      for (const own of ['10.0.1.10', '10.0.1.11']) {
        const cmd = parseCommand(
          '/vpn',
          `add-peer lab ipsec --remote ${own} --subnets 172.20.0.0/16`,
        );
        if (!cmd.ok) throw new Error(cmd.message);
        expect(() => planAddPeer(cmd.command, inHubSubnet, 'U0ALICE'), own).toThrow(/own address/);
      }
      expect(() => site('198.51.100.99', '--subnets 127.0.0.0/8')).toThrow(/loopback/);
      expect(() => site('198.51.100.99', '--subnets 169.254.0.0/16')).toThrow(/link-local/);
      expect(() => site('198.51.100.99', '--subnets 198.51.100.0/24')).toThrow(
        /holds spoke-virginia's public address 198\.51\.100\.7/,
      );
      expect(() => site('198.51.100.99', '--subnets 172.20.0.0/16 --bgp 65001')).toThrow(
        /--bgp 65001 is the AS of spoke-virginia/,
      );
      expect(() => site('198.51.100.99', '--subnets 172.20.0.0/16 --bgp 64512')).toThrow(
        /Amazon's default VPN gateway ASN/,
      );
    },
  );

  it(
    'refuses subnets that overlap the flat network or ' +
      'each other, host bits, and routers without WireGuard',
    () => {
      expect(() =>
        plan('add-peer osaka ipsec --remote 198.51.100.77 --subnets 10.10.4.0/24'),
      ).toThrow(
        '10.10.4.0/24 overlaps 10.10.0.0/16 (us-east-1 VPC production), ' +
          'which is already part of the flat network',
      );
      expect(() =>
        plan('add-peer osaka ipsec --remote 198.51.100.77 --subnets 172.20.0.0/16,172.20.5.0/24'),
      ).toThrow(/overlap/);
      expect(() =>
        plan('add-peer osaka ipsec --remote 198.51.100.77 --subnets 172.20.0.1/16'),
      ).toThrow(/172\.20\.0\.1\/16 has host bits set/);
      expect(() => plan('add-peer alice --router spoke-virginia')).toThrow(
        /spoke-virginia has no WireGuard interface/,
      );
      expect(() => plan('add-peer alice --router nowhere')).toThrow(/no router named "nowhere"/);
      const site = plan(
        'add-peer osaka ipsec --remote 198.51.100.77 --subnets 172.20.0.0/16 --bgp 65100',
      );
      expect(addPeerParams({ params: site.params })).toEqual({
        kind: 'ipsec',
        router: 'hub-tokyo-a',
        remote: '198.51.100.77',
        subnets: ['172.20.0.0/16'],
        mode: 'route',
        bgpAsn: 65100,
      });
    },
  );

  it(
    'refuses a name, key, remote or subnets the router ' +
      'already has; accepts the run’s own earlier attempt',
    () => {
      const hub = readHubConfig(HUB);
      const wg = (publicKey?: string) => ({
        kind: 'wireguard' as const,
        router: 'hub-tokyo-a',
        ...(publicKey ? { publicKey } : {}),
      });
      const site = (remote: string, subnets: string[]) => ({
        kind: 'ipsec' as const,
        router: 'hub-tokyo-a',
        remote,
        subnets,
        mode: 'route' as const,
      });
      expect(() => checkPeerIsNew(hub, 'hub-tokyo-a', 'carol', wg(), 'r-aaaaaa')).toThrow(
        /already has a peer named carol/,
      );
      expect(() => checkPeerIsNew(hub, 'hub-tokyo-a', 'office', wg(), 'r-aaaaaa')).toThrow(
        /already has a peer named office/,
      );
      expect(() => checkPeerIsNew(hub, 'hub-tokyo-a', 'new', wg(KEY), 'r-aaaaaa')).toThrow(
        /already peer carol/,
      );
      expect(() =>
        checkPeerIsNew(
          hub,
          'hub-tokyo-a',
          'kyoto',
          site('192.0.2.50', ['172.30.0.0/16']),
          'r-aaaaaa',
        ),
      ).toThrow(/already site-to-site peer office/);
      expect(() =>
        checkPeerIsNew(
          hub,
          'hub-tokyo-a',
          'kyoto',
          site('198.51.100.9', ['172.16.1.0/24']),
          'r-aaaaaa',
        ),
      ).toThrow(/overlaps 172\.16\.0\.0\/16 of peer office/);
      expect(() =>
        checkPeerIsNew(
          hub,
          'hub-tokyo-a',
          'kyoto',
          site('198.51.100.9', ['172.20.0.0/24']),
          'r-aaaaaa',
        ),
      ).toThrow(/of peer osaka/);
      expect(() =>
        checkPeerIsNew(
          hub,
          'hub-tokyo-a',
          'kyoto',
          site('198.51.100.9', ['172.31.0.0/16']),
          'r-aaaaaa',
        ),
      ).not.toThrow();
      const mine = readHubConfig(
        parseConfigCommands(
          `set interfaces wireguard wg0 peer dan description 'flatnet ` +
            `r-bbbbbb'\nset interfaces wireguard wg0 peer dan public-key '${KEY}'`,
        ),
      );
      expect(() => checkPeerIsNew(mine, 'hub-tokyo-a', 'dan', wg(KEY), 'r-bbbbbb')).not.toThrow();
      expect(() => checkPeerIsNew(mine, 'hub-tokyo-a', 'dan', wg(KEY), 'r-cccccc')).toThrow(
        /already has a peer named dan/,
      );
    },
  );
});

describe('site tunnels on the hub', () => {
  it('takes the first free VTI and /30, and removes everything a site put on the hub', () => {
    const hub = readHubConfig(HUB);
    expect(chooseSiteTunnel(hub)).toEqual({
      vtiNumber: 101,
      hubAddress: '169.254.101.1/30',
      siteAddress: '169.254.101.2/30',
    });
    expect(peerPrefixes(hub).map((p) => `${p.peer}:${p.prefix}`)).toEqual(
      expect.arrayContaining([
        'office:172.16.0.0/16',
        'osaka:172.20.0.0/16',
        'carol:10.250.0.2/32',
      ]),
    );
    expect(renderSitePeerRemoval('osaka', hub).map(renderConfigLine)).toEqual([
      'delete vpn ipsec site-to-site peer osaka',
      'delete vpn ipsec authentication psk osaka',
      'delete vpn ipsec ike-group IKE-osaka',
      'delete vpn ipsec esp-group ESP-osaka',
      'delete interfaces vti vti100',
      'delete protocols static route 172.20.0.0/16',
      // The hub stops announcing the site it no longer reaches.
      'delete protocols bgp address-family ipv4-unicast network 172.20.0.0/16',
      'delete protocols bgp neighbor 169.254.100.2',
      // Its inbound filter, which the router holds.
      'delete policy prefix-list SITE-osaka-IN',
    ]);
    // A policy site: its announcement and import-check anchor go too.
    expect(renderSitePeerRemoval('office', hub).map(renderConfigLine)).toEqual(
      expect.arrayContaining([
        'delete protocols bgp address-family ipv4-unicast network 172.16.0.0/16',
        'delete protocols static route 172.16.0.0/16',
      ]),
    );
    // A site without BGP has no filter: VyOS would refuse deleting one that is not there.
    expect(renderSitePeerRemoval('office', hub).map(renderConfigLine).join('\n')).not.toContain(
      'prefix-list',
    );
  });
});

describe('add-peer planning reports every problem at once', () => {
  it('a bad remote, overlapping subnets and our own ASN, each with its fix', () => {
    let thrown: unknown;
    try {
      plan('add-peer osaka ipsec --remote 127.0.0.1 --subnets 10.0.5.0/24 --bgp 65000');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadInputsError);
    const problems = (thrown as BadInputsError).problems;
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^--remote 127\.0\.0\.1 is /),
      expect.stringMatching(/^--bgp 65000 is the AS of hub-tokyo-a/),
      expect.stringMatching(/^--subnets: 10\.0\.5\.0\/24 overlaps 10\.0\.0\.0\/16/),
    ]);
    for (const p of problems) expect(p.hint).toBeTruthy();
  });
});
