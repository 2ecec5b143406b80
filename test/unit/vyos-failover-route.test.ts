import { describe, expect, it } from 'vitest';
import { checkCommit } from '../../src/sim/vyos/check-commit.js';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { tokenizeCliLine } from '../../src/sim/vyos/parse-cli-words.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import {
  renderFailoverNextHop,
  renderFailoverNextHopRemoval,
} from '../../src/vyos/render-failover-route.js';

const words = (line: string): string[] => tokenizeCliLine(line).map((t) => t.text);
const primary = {
  prefix: '172.16.0.0/16',
  nextHop: '169.254.100.2',
  iface: 'vti100',
  target: '172.16.0.1',
  metric: 1,
};

/** The emulator's working copy after these `set` lines, with what commit would say. */
function commit(lines: string[]) {
  const working = new ConfigTree();
  for (const line of lines) {
    const result = working.set(words(line.replace(/^set /, '')));
    expect(result.failed, line).toBe(false);
  }
  return checkCommit(new ConfigTree(), working).map((f) => `${f.section}: ${f.message}`);
}

describe('protocols failover route (VyOS 1.4)', () => {
  it(
    'renders a next hop with its ICMP check, ' + 'interface and metric; the emulator commits it',
    () => {
      const lines = renderFailoverNextHop(primary).map(renderConfigLine);
      const hop = 'set protocols failover route 172.16.0.0/16 next-hop 169.254.100.2';
      expect(lines).toEqual([
        `${hop} check target '172.16.0.1'`,
        `${hop} check type 'icmp'`,
        `${hop} interface 'vti100'`,
        `${hop} metric '1'`,
      ]);
      const backup = renderFailoverNextHop({
        ...primary,
        nextHop: '169.254.101.2',
        iface: 'vti101',
        metric: 2,
      }).map(renderConfigLine);
      expect(commit([...lines, ...backup])).toEqual([]);
    },
  );

  it('takes one next hop off while another stays, else the whole route', () => {
    expect(
      renderFailoverNextHopRemoval('172.16.0.0/16', '169.254.100.2', true).map(renderConfigLine),
    ).toEqual(['delete protocols failover route 172.16.0.0/16 next-hop 169.254.100.2']);
    expect(
      renderFailoverNextHopRemoval('172.16.0.0/16', '169.254.100.2', false).map(renderConfigLine),
    ).toEqual(['delete protocols failover route 172.16.0.0/16']);
  });

  it('refuses to render a non-VTI interface, a metric out of 1-255 or a bad target', () => {
    expect(() => renderFailoverNextHop({ ...primary, iface: 'eth0' })).toThrow(/not a VTI/);
    expect(() => renderFailoverNextHop({ ...primary, metric: 0 })).toThrow(/not 1-255/);
    expect(() => renderFailoverNextHop({ ...primary, target: '172.16.0.1;reboot' })).toThrow(
      /is not an IP address/,
    );
  });

  it("the emulator's commit refuses what vyos-1x verify() refuses, in its words", () => {
    const hop = 'set protocols failover route 172.16.0.0/16 next-hop 169.254.100.2';
    expect(commit([`${hop} check target 172.16.0.1`])).toEqual([
      'protocols failover: Interface for route "172.16.0.0/16" next-hop "169.254.100.2" ' +
        'is mandatory!',
    ]);
    expect(commit([`${hop} interface vti100`])).toEqual([
      'protocols failover: Check target for next-hop "169.254.100.2" is mandatory!',
    ]);
    expect(commit([`${hop} interface vti100`, `${hop} check type icmp`])).toEqual([
      'protocols failover: Check target for next-hop "169.254.100.2" is mandatory!',
    ]);
    expect(
      commit([
        `${hop} interface vti100`,
        `${hop} check target 172.16.0.1`,
        `${hop} check type tcp`,
      ]),
    ).toEqual([
      'protocols failover: Check port for next-hop "169.254.100.2" and type TCP is mandatory!',
    ]);
    // A next hop's whole subtree gone leaves the route without one.
    const working = new ConfigTree();
    working.set(words(`${hop.replace(/^set /, '')} interface vti100`));
    working.set(words(`${hop.replace(/^set /, '')} check target 172.16.0.1`));
    working.set(words('protocols failover route 172.16.0.0/16 next-hop 169.254.101.2 metric 2'));
    expect(checkCommit(new ConfigTree(), working)[0]?.message).toBe(
      'Interface for route "172.16.0.0/16" next-hop "169.254.101.2" is mandatory!',
    );
    working.delete(words('protocols failover route 172.16.0.0/16 next-hop 169.254.101.2'));
    expect(checkCommit(new ConfigTree(), working)).toEqual([]);
  });

  it('set refuses paths and values protocols_failover.xml.in does not have', () => {
    const tree = new ConfigTree();
    const r = 'protocols failover route 172.16.0.0/16';
    // No interface, blackhole or distance on the route itself, nor distance on a next hop.
    for (const path of [
      `${r} interface vti100`,
      `${r} blackhole`,
      `${r} next-hop 169.254.100.2 distance 2`,
    ])
      expect(tree.set(words(path)).lines.at(-1), path).toBe('Set failed');
    for (const line of [
      `${r} next-hop 169.254.100.2 metric 0`,
      `${r} next-hop 169.254.100.2 metric 256`,
      `${r} next-hop 169.254.100.2 check type ping`,
      `${r} next-hop 169.254.100.2 check target 172.16.0.300`,
      `${r} next-hop 169.254.100.2 check timeout 0`,
      `${r} next-hop 169.254.100.2 check policy most-available`,
      `${r} next-hop vti100 interface vti100`,
      'protocols failover route 172.16.0.1/33 next-hop 169.254.100.2 metric 1',
    ]) {
      const result = tree.set(words(line));
      expect(result.failed, line).toBe(true);
      expect(result.lines.slice(-2), line).toEqual(['Value validation failed', 'Set failed']);
    }
    expect(tree.set(words(`${r} next-hop 169.254.100.2 check target 172.16.0.2`)).failed).toBe(
      false,
    );
    expect(tree.set(words(`${r} next-hop 169.254.100.2 check target 172.16.0.3`)).failed).toBe(
      false,
    );
    expect(tree.values(`${r} next-hop 169.254.100.2 check target`)).toEqual([
      '172.16.0.2',
      '172.16.0.3',
    ]);
  });
});
