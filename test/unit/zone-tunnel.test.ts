import { describe, expect, it } from 'vitest';
import { renderConfigLine, set } from '../../src/vyos/config-line.js';
import { renderZones } from '../../src/policy/render-traffic-policy.js';
import { unzoneTunnelLines, zoneTunnelLines } from '../../src/policy/zone-tunnel.js';

const named = (...names: string[]) => names.map((name) => ({ name }));
/** A hub as `/vpn policy apply` left it: eth0, two VTIs, wg0, plus an operator's own zone. */
const HUB = [
  set(['interfaces', 'vti', 'vti1', 'address'], '169.254.1.1/30'),
  ...renderZones({ ethernet: named('eth0'), vti: named('vti1', 'vti2'), wireguard: named('wg0') }),
  set(['firewall', 'zone', 'LAB', 'interface'], 'eth9'),
];
const text = (lines: ReturnType<typeof zoneTunnelLines>) => lines.map(renderConfigLine);

describe('a tunnel put in its flatnet zone by the runbook that adds it', () => {
  it('adds a new VTI to FLATNET-VPN, and nothing for one already there', () => {
    expect(text(zoneTunnelLines(HUB, ['vti100']))).toEqual([
      "set firewall zone FLATNET-VPN interface 'vti100'",
    ]);
    expect(zoneTunnelLines(HUB, ['vti2', 'wg0', 'eth0'])).toEqual([]);
  });

  it('takes a VTI out again, and leaves an operator zone alone', () => {
    const after = [...HUB, set(['firewall', 'zone', 'FLATNET-VPN', 'interface'], 'vti100')];
    expect(text(unzoneTunnelLines(after, ['vti100']))).toEqual([
      "delete firewall zone FLATNET-VPN interface 'vti100'",
    ]);
    expect(unzoneTunnelLines(HUB, ['vti100', 'eth9'])).toEqual([]);
  });

  it('makes the whole zone when its first interface comes, and deletes it with its last', () => {
    const noWg = renderZones({ ethernet: named('eth0'), vti: named('vti1'), wireguard: [] });
    const added = text(zoneTunnelLines(noWg, ['wg0']));
    expect(added).toContain("set firewall zone FLATNET-WG interface 'wg0'");
    expect(added).toContain("set firewall zone FLATNET-WG default-action 'drop'");
    expect(added).toContain(
      "set firewall zone FLATNET-VPC from FLATNET-WG firewall name 'FLATNET-POLICY'",
    );
    expect(added).toContain(
      "set firewall zone FLATNET-WG from FLATNET-VPN firewall name 'FLATNET-POLICY'",
    );
    // VyOS refuses a zone without interfaces: the last VTI takes FLATNET-VPN with it, and the
    // other zones' `from FLATNET-VPN`.
    const oneVti = [...noWg, ...zoneTunnelLines(noWg, ['wg0'])];
    expect(text(unzoneTunnelLines(oneVti, ['vti1'])).sort()).toEqual([
      'delete firewall zone FLATNET-VPC from FLATNET-VPN',
      'delete firewall zone FLATNET-VPN',
      'delete firewall zone FLATNET-WG from FLATNET-VPN',
    ]);
  });

  it('writes nothing on a router that runs no flatnet zone (no policy, or not applied yet)', () => {
    const bare = [set(['interfaces', 'vti', 'vti1', 'address'], '169.254.1.1/30')];
    expect(zoneTunnelLines(bare, ['vti100'])).toEqual([]);
    expect(unzoneTunnelLines(bare, ['vti1'])).toEqual([]);
  });
});
