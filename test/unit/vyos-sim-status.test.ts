import { describe, expect, it } from 'vitest';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import {
  bytesShort,
  countShort,
  frrUptime,
  secondsToHuman,
  wgBytes,
  wgPrettyTime,
} from '../../src/sim/vyos/format-op-units.js';
import { showIpsecConnections, showIpsecSa } from '../../src/sim/vyos/show-ipsec-sa.js';
import { parseIpsecSa } from '../../src/vyos/parse-ipsec-sa.js';
import { showWireguardSummary } from '../../src/sim/vyos/show-wireguard-summary.js';
import { showBgpSummary } from '../../src/sim/vyos/show-bgp-summary.js';
import { catProcLoadavg, showSystemUptime } from '../../src/sim/vyos/show-system-status.js';
import { createDefaultLiveState, type RouterLiveState } from '../../src/sim/vyos/live-state.js';
import {
  deriveWireguardPublicKey,
  generateWireguardKeyPair,
} from '../../src/sim/vyos/wireguard-keys.js';

const hub = generateWireguardKeyPair();
const alice = generateWireguardKeyPair();
const cfg = ConfigTree.fromSetLines([
  `set interfaces wireguard wg0 private-key '${hub.privateKey}'`,
  "set interfaces wireguard wg0 port '51820'",
  `set interfaces wireguard wg0 peer alice public-key '${alice.publicKey}'`,
  "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
  "set interfaces wireguard wg0 peer alice allowed-ips '10.250.1.0/24'",
  "set vpn ipsec esp-group ESP proposal 1 encryption 'aes256gcm128'",
  "set vpn ipsec ike-group IKE key-exchange 'ikev2'",
  "set vpn ipsec site-to-site peer aws-tun2 remote-address '52.1.2.4'",
  "set vpn ipsec site-to-site peer aws-tun2 ike-group 'IKE'",
  "set vpn ipsec site-to-site peer aws-tun2 vti bind 'vti11'",
  "set vpn ipsec site-to-site peer aws-tun2 vti esp-group 'ESP'",
  "set vpn ipsec site-to-site peer OFFICE remote-address '203.0.113.10'",
  "set vpn ipsec site-to-site peer OFFICE authentication remote-id 'office.example'",
  "set vpn ipsec site-to-site peer OFFICE default-esp-group 'ESP'",
  "set vpn ipsec site-to-site peer OFFICE tunnel 10 local prefix '10.0.0.0/16'",
  "set vpn ipsec site-to-site peer OFFICE tunnel 2 local prefix '10.1.0.0/16'",
  "set protocols bgp system-as '65000'",
  "set protocols bgp parameters router-id '192.0.2.1'",
  "set protocols bgp neighbor 169.254.10.1 remote-as '64512'",
  'set protocols bgp neighbor 169.254.10.1 address-family ipv4-unicast',
  "set protocols bgp neighbor 10.255.1.1 remote-as '65001'",
  "set protocols bgp neighbor 10.255.1.1 description 'us-east-1'",
  'set protocols bgp neighbor 10.255.1.1 address-family ipv4-unicast',
  "set protocols bgp neighbor 10.9.9.9 remote-as '65009'",
]);

function live(overrides: Partial<RouterLiveState>): RouterLiveState {
  return { ...createDefaultLiveState(() => Date.now()), ...overrides };
}

describe('op-mode number formats', () => {
  it('formats uptimes, bytes and packets like vyos-1x and hurry.filesize', () => {
    expect(secondsToHuman(2 * 86400 + 7 * 3600 + 34 * 60 + 23)).toBe('2d7h34m23s');
    expect(secondsToHuman(3600 + 5)).toBe('1h5s');
    expect(secondsToHuman(604800 * 2 + 60, ' ')).toBe('2w 1m');
    expect(bytesShort(0)).toBe('0B');
    expect(bytesShort(45 * 1024 ** 2 + 999)).toBe('45M');
    expect(bytesShort(1023)).toBe('1023B');
    expect(countShort(61_999)).toBe('61K');
    expect(countShort(999)).toBe('999');
  });

  it('formats wg and FRR times the way their tools do', () => {
    expect(wgPrettyTime(72)).toBe('1 minute, 12 seconds');
    expect(wgPrettyTime(3600)).toBe('1 hour');
    expect(wgBytes(532)).toBe('532 B');
    expect(wgBytes(19_000_000)).toBe('18.12 MiB');
    expect(frrUptime(undefined)).toBe('never');
    expect(frrUptime(12 * 60 + 40)).toBe('00:12:40');
    expect(frrUptime(86400 + 2 * 3600 + 13 * 60)).toBe('1d02h13m');
    expect(frrUptime(2 * 604800 + 3 * 86400 + 4 * 3600)).toBe('02w3d04h');
  });
});

describe('status outputs', () => {
  it(
    'lists one SA row per child in natural order, ' + 'with the remote id and a derived proposal',
    () => {
      const out = showIpsecSa(
        cfg,
        live({
          ipsecSa: (_p, child) =>
            child === 'OFFICE-tunnel-10' ? undefined : { up: true, uptimeSeconds: 59 },
        }),
      );
      expect(out[1]).toMatch(/^-+ {2}-+ {2}-+/);
      const names = out.slice(2).map((l) => l.split(/\s+/)[0]);
      expect(names).toEqual(['aws-tun2-vti', 'OFFICE-tunnel-2']);
      expect(out[2]).toMatch(
        /^aws-tun2-vti\s+up\s+59s\s+0B\/0B\s+0\/0\s+52\.1\.2\.4\s+52\.1\.2\.4\s+AES_GCM_16_256$/,
      );
      expect(out[3]).toContain('office.example');
    },
  );

  it(
    'prints no row for a peer that is down and ' + 'N/A columns for a child SA still installing',
    () => {
      // vyos-1x `show vpn ipsec sa` lists VICI's SAs only: a down peer has none.
      const out = showIpsecSa(
        cfg,
        live({
          ipsecSa: (_p, child) =>
            child === 'aws-tun2-vti'
              ? { up: false }
              : child === 'OFFICE-tunnel-2'
                ? { up: false, installing: true }
                : { up: true, uptimeSeconds: 59 },
        }),
      );
      const names = out.slice(2).map((l) => l.split(/\s+/)[0]);
      expect(names).toEqual(['OFFICE-tunnel-2', 'OFFICE-tunnel-10']);
      expect(out[2]).toMatch(
        /^OFFICE-tunnel-2\s+down\s+N\/A\s+N\/A\s+N\/A\s+203\.0\.113\.10\s+office\.example\s+N\/A$/,
      );
      const parsed = parseIpsecSa(out.join('\n'));
      expect(parsed.sas.map((sa) => [sa.connection, sa.state])).toEqual([
        ['OFFICE-tunnel-2', 'down'],
        ['OFFICE-tunnel-10', 'up'],
      ]);
      expect(parsed.sas[0]).toMatchObject({ bytesIn: 0, remoteAddress: '203.0.113.10' });
      expect(parsed.sas[0]?.uptimeSeconds).toBeUndefined();
    },
  );

  it('says IPsec is not initialized (1.4+) without site-to-site peers or when stopped', () => {
    expect(showIpsecSa(new ConfigTree(), live({}))).toEqual(['IPsec not initialized']);
    expect(showIpsecSa(cfg, live({}), false)).toEqual(['IPsec not initialized']);
    expect(parseIpsecSa('IPsec not initialized\r\n')).toEqual({ sas: [], processRunning: false });
  });

  it('lists configured connections, down ones included', () => {
    const out = showIpsecConnections(cfg, live({ ipsecSa: () => ({ up: false }) }));
    expect(out.find((l) => l.startsWith('OFFICE-tunnel-10'))).toMatch(
      /down\s+IPsec\s+203\.0\.113\.10\s+10\.0\.0\.0\/16/,
    );
    expect(out.find((l) => l.startsWith('aws-tun2 '))).toMatch(/down\s+IKEv2/);
  });

  it('prints wg show for 1.4 (no handshake or transfer when zero) and named peers for 1.5', () => {
    expect(deriveWireguardPublicKey(hub.privateKey)).toBe(hub.publicKey);
    const quiet = showWireguardSummary(cfg, 'wg0', live({ wireguardPeer: () => ({}) }), '1.4');
    expect(quiet).toEqual([
      'interface: wg0',
      `  public key: ${hub.publicKey}`,
      '  private key: (hidden)',
      '  listening port: 51820',
      '',
      `peer: ${alice.publicKey}`,
      '  allowed ips: 10.250.0.10/32, 10.250.1.0/24',
    ]);
    const v15 = showWireguardSummary(
      cfg,
      'wg0',
      live({
        wireguardPeer: () => ({ handshakeSecondsAgo: 72, rxBytes: 18_000_000, txBytes: 2_000_000 }),
      }),
      '1.5',
    );
    expect(v15.slice(4)).toEqual([
      '',
      '  peer: alice',
      `    public key: ${alice.publicKey}`,
      '    latest handshake: 0:01:12',
      '    status: active',
      '    allowed ips: 10.250.0.10/32, 10.250.1.0/24',
      '    transfer: 18 MB received, 2 MB sent',
    ]);
    expect(showWireguardSummary(cfg, 'wg7', live({}), '1.4')).toEqual([
      'Unable to access interface: No such device',
    ]);
  });

  it(
    'prints the FRR 9.1 summary with IPv4-activated ' +
      'neighbours only, prefix counts or state names',
    () => {
      const out = showBgpSummary(
        cfg,
        live({
          bgpNeighbor: (a) =>
            a === '169.254.10.1'
              ? { state: 'Established', upSeconds: 94380, prefixesReceived: 4, prefixesSent: 6 }
              : { state: 'Idle (Admin)', upSeconds: 760 },
        }),
        '1.4',
      );
      expect(out.slice(0, 3)).toEqual([
        '',
        'IPv4 Unicast Summary (VRF default):',
        'BGP router identifier 192.0.2.1, local AS number 65000 vrf-id 0',
      ]);
      expect(out).toContain(
        'Neighbor        V         AS   MsgRcvd   MsgSent   ' +
          'TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc',
      );
      const row = out.find((l) => l.startsWith('169.254.10.1'));
      expect(row).toMatch(
        /^169\.254\.10\.1 {4}4 {6}64512 +\d+ +\d+ +\d+ {4}0 {4}0 1d02h13m {12}4 {8}6 N\/A$/,
      );
      expect(out.find((l) => l.startsWith('10.255.1.1'))).toMatch(
        /00:12:40 Idle \(Admin\) {8}0 us-east-1$/,
      );
      expect(out.some((l) => l.startsWith('10.9.9.9'))).toBe(false);
      expect(out.at(-1)).toBe('Total number of neighbors 2');
      expect(showBgpSummary(new ConfigTree(), live({}), '1.4')).toEqual([
        '% BGP instance not found',
      ]);
    },
  );

  it('gives load as percent of the cores in 1.4 and raw in /proc/loadavg', () => {
    const l = live({ loadavg: () => [2, 1, 0.5], uptimeSeconds: () => 90061 });
    expect(showSystemUptime(l, 4, '1.4')).toEqual([
      'Uptime: 1d 1h 1m 1s',
      '',
      'Load averages:',
      '1  minute:   50.0%',
      '5  minutes:  25.0%',
      '15 minutes:  12.5%',
    ]);
    expect(catProcLoadavg(l)[0]).toMatch(/^2\.00 1\.00 0\.50 \d+\/\d+ \d+$/);
  });
});
