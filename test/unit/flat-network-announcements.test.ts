import { describe, expect, it } from 'vitest';
import {
  announcedNetworks,
  announcementLines,
  announcementRemovalLines,
  missingAnnouncements,
  wantedAnnouncements,
} from '../../src/onboarding/hub-announcements.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();

// The reference hub as an operator left it: its VPC announced, nothing else.
const HUB = parseConfigCommands(
  [
    "set interfaces wireguard wg0 address '10.250.0.1/24'",
    "set interfaces wireguard wg0 peer carol allowed-ips '10.250.0.2/32'",
    "set interfaces vti vti1 address '169.254.1.1/30'",
    "set interfaces vti vti100 address '169.254.100.1/30'",
    "set vpn ipsec site-to-site peer spoke-virginia vti bind 'vti1'",
    "set vpn ipsec site-to-site peer office remote-address '192.0.2.50'",
    "set vpn ipsec site-to-site peer office tunnel 0 local prefix '10.0.0.0/8'",
    "set vpn ipsec site-to-site peer office tunnel 0 remote prefix '192.168.0.0/16'",
    "set vpn ipsec site-to-site peer osaka vti bind 'vti100'",
    'set protocols static route 172.20.0.0/16 interface vti100',
    'set protocols bgp address-family ipv4-unicast network 10.0.0.0/16',
    "set protocols bgp neighbor 169.254.1.2 remote-as '65001'",
    "set protocols bgp system-as '65000'",
  ].join('\n'),
);

describe('what the hub announces so VGWs and BGP sites reach the flat network', () => {
  it(
    'its own VPC, its WireGuard pool, the office and ' +
      'the static sites — not a laptop, not a spoke',
    () => {
      expect(wantedAnnouncements(inventory, '10.0.1.10', HUB).sort()).toEqual(
        ['10.0.0.0/16', '10.250.0.0/24', '172.20.0.0/16', '192.168.0.0/16'].sort(),
      );
    },
  );

  it('adds only what is missing, with an import-check anchor where no exact route exists', () => {
    expect(announcedNetworks(HUB)).toEqual(new Set(['10.0.0.0/16']));
    const missing = missingAnnouncements(inventory, '10.0.1.10', HUB);
    // The pool is connected and the static site has its route; the office (policy) has none.
    // The hub VPC is announced already but has no exact route (only eth0's /24 is connected).
    expect(missing).toEqual([
      { prefix: '10.0.0.0/16', network: false, anchor: 'eth0' },
      { prefix: '10.250.0.0/24', network: true },
      { prefix: '192.168.0.0/16', network: true, anchor: 'eth0' },
      { prefix: '172.20.0.0/16', network: true },
    ]);
    expect(announcementLines(missing).map(renderConfigLine)).toEqual([
      "set protocols static route 10.0.0.0/16 dhcp-interface 'eth0'",
      'set protocols bgp address-family ipv4-unicast network 10.250.0.0/24',
      "set protocols static route 192.168.0.0/16 dhcp-interface 'eth0'",
      'set protocols bgp address-family ipv4-unicast network 192.168.0.0/16',
      'set protocols bgp address-family ipv4-unicast network 172.20.0.0/16',
    ]);
    expect(announcementRemovalLines(missing).map(renderConfigLine)).toContain(
      'delete protocols static route 192.168.0.0/16',
    );
  });

  it(
    "the hub's own VPC: announced with a dhcp-interface " +
      "anchor (only eth0's subnet is connected)",
    () => {
      const bare = HUB.filter((l) => l.path[5] !== '10.0.0.0/16');
      expect(missingAnnouncements(inventory, '10.0.1.10', bare)[0]).toEqual({
        prefix: '10.0.0.0/16',
        network: true,
        anchor: 'eth0',
      });
      const done = parseConfigCommands(
        [
          ...bare.map(renderConfigLine),
          ...announcementLines(missingAnnouncements(inventory, '10.0.1.10', bare)).map(
            renderConfigLine,
          ),
        ].join('\n'),
      );
      // Applied once, nothing is missing any more: a re-run adds nothing.
      expect(missingAnnouncements(inventory, '10.0.1.10', done)).toEqual([]);
      // Found by the router's own address: a router outside the hub VPC does not announce it.
      expect(wantedAnnouncements(inventory, '10.99.0.5', HUB)).not.toContain('10.0.0.0/16');
    },
  );
});
