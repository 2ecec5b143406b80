import { describe, expect, it } from 'vitest';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import {
  carriesSecret,
  compareStandbyConfig,
  diffConfig,
  showDriftLine,
} from '../../src/vyos/compare-standby-config.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import type { ConfigLine } from '../../src/vyos/types.js';

const PRIMARY_IP = '10.0.1.10';
const STANDBY_IP = '10.0.1.11';
const PSK = 'Zq8vPm3kLx9Rt2Wn5Yb7';
const OLD_PSK = 'Hd4gKs8pQw2Ez6Nc1Vu3';
const WG_PRIVATE = 'uB4jR0bqk2v6m0FQ9n2cN1yXo3oB8bV7tT5aZ6dF0Fk=';

function peer(name: string, localIp: string, psk: string, remote: string): string[] {
  const p = `set vpn ipsec site-to-site peer ${name}`;
  return [
    `set vpn ipsec authentication psk ${name} id '203.0.113.10'`,
    `set vpn ipsec authentication psk ${name} id '${remote}'`,
    `set vpn ipsec authentication psk ${name} secret '${psk}'`,
    `${p} authentication mode 'pre-shared-secret'`,
    `${p} local-address '${localIp}'`,
    `${p} remote-address '${remote}'`,
  ];
}

function router(hostName: string, ip: string, extra: string[] = []): string[] {
  return [
    `set interfaces ethernet eth0 address 'dhcp'`,
    `set interfaces ethernet eth0 hw-id '0a:00:00:00:00:${hostName.endsWith('a') ? '0a' : '0b'}'`,
    `set interfaces wireguard wg0 address '10.99.0.1/24'`,
    `set interfaces wireguard wg0 private-key '${WG_PRIVATE}'`,
    `set protocols bgp parameters router-id '${ip}'`,
    `set system host-name '${hostName}'`,
    `set system login user vyos authentication public-keys flatnet type 'ssh-ed25519'`,
    ...extra,
  ];
}

const lines = (text: string[]): ConfigLine[] => parseConfigCommands(text.join('\n'));
/** As `show configuration commands` prints it (the emulator's rendering): what flatnet reads. */
const shown = (text: string[]): ConfigLine[] => lines(ConfigTree.fromSetLines(text).toSetLines());
const addresses = { primaryIp: PRIMARY_IP, standbyIp: STANDBY_IP };

/** Applies the change on the VyOS emulator's config tree, as `configure` + the lines would. */
function applyOnEmulator(standby: string[], change: ConfigLine[]): ConfigTree {
  const tree = ConfigTree.fromSetLines(standby);
  for (const line of change) {
    const words = [...line.path, ...(line.value === undefined ? [] : [line.value])];
    const result = line.op === 'set' ? tree.set(words) : tree.delete(words);
    expect(result.failed, `${line.op} ${words.join(' ')}: ${result.lines.join(' / ')}`).toBe(false);
  }
  return tree;
}

describe('standby drift', () => {
  it('finds none between a primary and a standby that differ only in what is their own', () => {
    const primary = router('hub-a', PRIMARY_IP, peer('osaka', PRIMARY_IP, PSK, '198.51.100.7'));
    const standby = router('hub-b', STANDBY_IP, peer('osaka', STANDBY_IP, PSK, '198.51.100.7'));
    expect(compareStandbyConfig(lines(primary), lines(standby), addresses).change).toEqual([]);
  });

  it(
    'sets what the standby lacks, with its own address, ' +
      'and deletes a stale peer in one line per node',
    () => {
      const primary = router('hub-a', PRIMARY_IP, [
        ...peer('osaka', PRIMARY_IP, PSK, '198.51.100.7'),
      ]);
      const standby = router('hub-b', STANDBY_IP, peer('kyoto', STANDBY_IP, PSK, '198.51.100.9'));
      const drift = compareStandbyConfig(lines(primary), lines(standby), addresses);
      const shown = drift.change.map(showDriftLine);
      expect(shown.slice(0, drift.deletes)).toEqual([
        '- delete vpn ipsec authentication psk kyoto',
        '- delete vpn ipsec site-to-site peer kyoto',
      ]);
      expect(shown).toContain(
        `+ set vpn ipsec site-to-site peer osaka local-address '${STANDBY_IP}'`,
      );
      expect(shown.join('\n')).not.toContain(PRIMARY_IP);
    },
  );

  it('replaces a changed pre-shared key and never shows either secret', () => {
    const primary = router('hub-a', PRIMARY_IP, peer('osaka', PRIMARY_IP, PSK, '198.51.100.7'));
    const standby = router('hub-b', STANDBY_IP, peer('osaka', STANDBY_IP, OLD_PSK, '198.51.100.7'));
    const drift = compareStandbyConfig(lines(primary), lines(standby), addresses);
    expect(drift.change).toEqual([
      {
        op: 'delete',
        path: 'vpn ipsec authentication psk osaka secret'.split(' '),
        value: OLD_PSK,
      },
      { op: 'set', path: 'vpn ipsec authentication psk osaka secret'.split(' '), value: PSK },
    ]);
    expect(drift.change.every(carriesSecret)).toBe(true);
    const shown = drift.change.map(showDriftLine).join('\n');
    expect(shown).not.toContain(PSK);
    expect(shown).not.toContain(OLD_PSK);
    expect(shown).toContain("+ set vpn ipsec authentication psk osaka secret '[redacted]'");
  });

  it(
    'brings the emulated standby to exactly the primary ' +
      'picture, extra values of a multi-value leaf included',
    () => {
      const primary = router('hub-a', PRIMARY_IP, [
        ...peer('osaka', PRIMARY_IP, PSK, '198.51.100.7'),
        "set protocols static route 10.20.0.0/16 next-hop '10.0.1.1'",
      ]);
      const standby = router('hub-b', STANDBY_IP, [
        ...peer('osaka', STANDBY_IP, OLD_PSK, '198.51.100.8'),
        ...peer('kyoto', STANDBY_IP, PSK, '198.51.100.9'),
        "set interfaces wireguard wg0 address '10.98.0.1/24'",
      ]);
      const drift = compareStandbyConfig(shown(primary), shown(standby), addresses);
      const after = applyOnEmulator(standby, drift.change);
      const synced = lines(after.toSetLines());
      expect(compareStandbyConfig(shown(primary), synced, addresses).change).toEqual([]);
      // What is the standby's own is left alone.
      expect(after.value('system host-name')).toBe('hub-b');
      expect(after.values('interfaces wireguard wg0 address')).toEqual(['10.99.0.1/24']);
      // And the reverse diff puts the standby back as it was.
      const back = applyOnEmulator(after.toSetLines(), diffConfig(shown(standby), synced).change);
      expect(diffConfig(shown(standby), lines(back.toSetLines())).change).toEqual([]);
    },
  );
});
