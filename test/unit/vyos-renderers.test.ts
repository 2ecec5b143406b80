import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError, CloudError } from '../../src/errors.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { parseCustomerGatewayConfig } from '../../src/vyos/parse-customer-gateway-config.js';
import {
  renderIpsecPeer,
  renderIpsecPeerRemoval,
  type IpsecPeerSpec,
} from '../../src/vyos/render-ipsec-peer.js';
import { renderRemoteVyos } from '../../src/vyos/render-remote-vyos.js';
import { renderSwanctl } from '../../src/vyos/render-swanctl.js';
import { renderVgwTunnels } from '../../src/vyos/render-vgw-tunnels.js';
import { announcementLines } from '../../src/onboarding/hub-announcements.js';
import { renderWgQuick } from '../../src/vyos/render-wg-quick.js';
import {
  renderWireguardMss,
  renderWireguardPeer,
  renderWireguardPeerRemoval,
  wireguardTcpMss,
} from '../../src/vyos/render-wireguard-peer.js';
import type { ConfigLine } from '../../src/vyos/types.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/vyos/${name}`, import.meta.url), 'utf8');

/**
 * Golden files: set UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then review the
 * diff.
 */
function expectGolden(name: string, actual: string): void {
  const url = new URL(`../fixtures/vyos/golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(url)) writeFileSync(url, actual);
  expect(actual).toBe(readFileSync(url, 'utf8'));
}

const script = (lines: ConfigLine[]) => `${lines.map(renderConfigLine).join('\n')}\n`;

const ALICE_KEY = 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=';
const HUB_KEY = 'h1HkYlSuHdJN6Qv4Hz4bBzjGg5WUty+U1L7DJsZy1iE=';

const office: IpsecPeerSpec = {
  name: 'OFFICE',
  remoteAddress: '203.0.113.10',
  localAddress: '10.0.1.10',
  localId: '198.51.100.1',
  presharedKey: 'officeKey_2024.long',
  ike: {
    keyExchange: 'ikev2',
    lifetimeSeconds: 28800,
    proposals: [{ encryption: 'aes256', hash: 'sha256', dhGroup: '14' }],
    dpd: { intervalSeconds: 10, timeoutSeconds: 30 },
  },
  esp: {
    pfs: 'dh-group14',
    lifetimeSeconds: 3600,
    proposals: [{ encryption: 'aes256', hash: 'sha256' }],
  },
  routing: {
    kind: 'policy',
    tunnels: [{ localPrefix: '10.0.0.0/16', remotePrefix: '192.168.0.0/16' }],
  },
};

describe('renderWireguardPeer', () => {
  it('renders the peer in 1.4 syntax (golden) and its removal', () => {
    const lines = renderWireguardPeer({
      name: 'alice',
      publicKey: ALICE_KEY,
      allowedIps: ['10.250.0.10/32'],
      keepaliveSeconds: 25,
    });
    expectGolden('wireguard-peer-alice.txt', script(lines));
    expect(script(renderWireguardPeerRemoval('alice'))).toBe(
      'delete interfaces wireguard wg0 peer alice\n',
    );
  });

  it('refuses hostile names, bad keys and bad prefixes before rendering anything', () => {
    expect(() =>
      renderWireguardPeer({
        name: 'a;reboot',
        publicKey: ALICE_KEY,
        allowedIps: ['10.250.0.10/32'],
      }),
    ).toThrow(BadInputError);
    expect(() =>
      renderWireguardPeer({
        name: 'alice',
        publicKey: `${ALICE_KEY.slice(0, -2)}'=`,
        allowedIps: ['10.250.0.10/32'],
      }),
    ).toThrow(/WireGuard key/);
    expect(() =>
      renderWireguardPeer({ name: 'alice', publicKey: ALICE_KEY, allowedIps: ['10.250.0.10/33'] }),
    ).toThrow(/not a prefix/);
    expect(() =>
      renderWireguardPeer({ name: 'alice', publicKey: ALICE_KEY, allowedIps: [] }),
    ).toThrow(/no allowed IPs/);
    expect(() => renderWireguardPeerRemoval('$(reboot)')).toThrow(BadInputError);
  });
});

describe('renderIpsecPeer', () => {
  it('renders a policy-based peer (golden)', () => {
    expectGolden('ipsec-peer-office-policy.txt', script(renderIpsecPeer(office)));
  });

  it(
    'renders a route-based VTI peer with the ' + 'private local-address (golden) and its removal',
    () => {
      const lines = renderIpsecPeer({
        ...office,
        routing: { kind: 'vti', vtiNumber: 10, address: '169.254.10.2/30' },
      });
      expectGolden('ipsec-peer-office-vti.txt', script(lines));
      expect(lines).toContainEqual({
        op: 'set',
        path: ['vpn', 'ipsec', 'site-to-site', 'peer', 'OFFICE', 'local-address'],
        value: '10.0.1.10',
      });
      expect(script(renderIpsecPeerRemoval('OFFICE', 10))).toContain('delete interfaces vti vti10');
    },
  );

  it('refuses a PSK that could break quoting and unknown algorithm words', () => {
    expect(() => renderIpsecPeer({ ...office, presharedKey: "abc'; reboot; echo '" })).toThrow(
      /pre-shared key/,
    );
    expect(() =>
      renderIpsecPeer({
        ...office,
        ike: {
          ...office.ike,
          proposals: [{ encryption: 'aes256;x', hash: 'sha256', dhGroup: '14' }],
        },
      }),
    ).toThrow(BadInputError);
    expect(() => renderIpsecPeer({ ...office, remoteAddress: 'example.com' })).toThrow(
      /not an IP address/,
    );
  });
});

describe('parseCustomerGatewayConfig and renderVgwTunnels', () => {
  it('reads both tunnels of the BGP variant', () => {
    const cfg = parseCustomerGatewayConfig(fixture('cgw-config-bgp.xml'));
    expect(cfg.vpnConnectionId).toBe('vpn-0ecb2a2698b33f4ee');
    expect(cfg.staticRoutesOnly).toBe(false);
    expect(cfg.tunnels[0].customerGateway).toEqual({
      outsideAddress: '3.15.245.169',
      insideAddress: '169.254.225.10',
      insidePrefixLength: 30,
      asn: 65000,
      holdTimeSeconds: 30,
    });
    expect(cfg.tunnels[1].vpnGateway.outsideAddress).toBe('3.18.239.200');
    expect(cfg.tunnels[0].ike.presharedKey).toBe('Tunnel1Key_abc.def');
    expect(cfg.tunnels[1].ike.presharedKey).toBe('12345678900000000001');
    expect(cfg.tunnels[0].ipsec).toMatchObject({
      tcpMssAdjustment: 1379,
      dpdIntervalSeconds: 10,
      dpdRetries: 3,
    });
  });

  it('renders two VTI tunnels with BGP neighbours in ipv4-unicast (golden)', () => {
    const cfg = parseCustomerGatewayConfig(fixture('cgw-config-bgp.xml'));
    const lines = renderVgwTunnels({
      config: cfg,
      name: 'vpc-prod-use1',
      localAddress: '10.0.1.10',
      vtiNumbers: [64, 65],
      announce: announcementLines([{ prefix: '10.0.0.0/16', network: true, anchor: 'eth0' }]),
    });
    expectGolden('vgw-tunnels-bgp.txt', script(lines));
    expect(lines).toContainEqual({
      op: 'set',
      path: ['protocols', 'bgp', 'neighbor', '169.254.225.9', 'address-family', 'ipv4-unicast'],
    });
  });

  it('renders the static-only variant with a preferred and a backup route (golden)', () => {
    const cfg = parseCustomerGatewayConfig(fixture('cgw-config-static.xml'));
    expect(cfg.staticRoutesOnly).toBe(true);
    const lines = renderVgwTunnels({
      config: cfg,
      name: 'vpc-stg-usw2',
      localAddress: '10.0.1.10',
      vtiNumbers: [66, 67],
      staticPrefixes: ['10.9.0.0/16'],
    });
    expectGolden('vgw-tunnels-static.txt', script(lines));
    expect(script(lines)).not.toContain('protocols bgp');
  });

  it('refuses broken XML, a missing tunnel and unknown algorithms, without quoting the key', () => {
    expect(() => parseCustomerGatewayConfig('<html>nope</html>')).toThrow(CloudError);
    const oneTunnel = fixture('cgw-config-bgp.xml').replace(
      /<ipsec_tunnel>[\s\S]*?<\/ipsec_tunnel>/,
      '',
    );
    expect(() => parseCustomerGatewayConfig(oneTunnel)).toThrow(
      /1 tunnels where AWS always generates 2/,
    );
    const noKey = fixture('cgw-config-bgp.xml').replace(
      '<pre_shared_key>Tunnel1Key_abc.def</pre_shared_key>',
      '',
    );
    expect(() => parseCustomerGatewayConfig(noKey)).toThrow(/pre_shared_key in tunnel 1/);
    const weird = parseCustomerGatewayConfig(
      fixture('cgw-config-bgp.xml').replace(/aes-128-cbc/g, 'des-cbc'),
    );
    try {
      renderVgwTunnels({ config: weird, name: 'x', localAddress: '10.0.1.10', vtiNumbers: [1, 2] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CloudError);
      expect(String((err as Error).message)).not.toContain('Tunnel1Key');
    }
  });
});

describe('client-side renderers', () => {
  it('renders a wg-quick file with a placeholder for the key flatnet never saw (golden)', () => {
    const text = renderWgQuick({
      peerName: 'alice',
      address: '10.250.0.10/32',
      dns: ['10.0.0.2'],
      hub: {
        name: 'hub-tokyo-a',
        publicKey: HUB_KEY,
        endpointHost: '198.51.100.1',
        endpointPort: 51820,
      },
      allowedIps: ['10.0.0.0/8', '10.250.0.0/24'],
      keepaliveSeconds: 25,
    });
    expectGolden('wg-quick-alice.conf', text);
    expect(() =>
      renderWgQuick({
        peerName: 'alice',
        address: '10.250.0.10/32',
        hub: { name: 'hub\n[Peer]', publicKey: HUB_KEY, endpointHost: 'x', endpointPort: 1 },
        allowedIps: [],
      }),
    ).toThrow(BadInputError);
  });

  it(
    'renders swanctl.conf and the remote VyOS ' + 'script as the mirror of the hub peer (golden)',
    () => {
      const side = { hubName: 'hub-tokyo-a', hubPublicAddress: '198.51.100.1' };
      expectGolden('swanctl-office.conf', renderSwanctl(office, side));
      const remote = renderRemoteVyos(office, side);
      expectGolden('remote-vyos-office.txt', remote);
      expect(remote).toContain(
        "set vpn ipsec site-to-site peer hub-tokyo-a remote-address '198.51.100.1'",
      );
      expect(remote).toContain(
        "set vpn ipsec site-to-site peer hub-tokyo-a tunnel 0 local prefix '192.168.0.0/16'",
      );
      expect(() =>
        renderSwanctl(office, { hubName: 'hub;x', hubPublicAddress: '198.51.100.1' }),
      ).toThrow(BadInputError);
    },
  );

  it('gives a GCM IKE proposal its PRF (strongSwan refuses one without), and ESP none', () => {
    const gcm: IpsecPeerSpec = {
      ...office,
      ike: {
        ...office.ike,
        proposals: [{ encryption: 'aes256gcm128', hash: 'sha256', dhGroup: '14' }],
      },
      esp: { ...office.esp, proposals: [{ encryption: 'aes256gcm128', hash: 'sha256' }] },
    };
    const conf = renderSwanctl(gcm, { hubName: 'hub-tokyo-a', hubPublicAddress: '198.51.100.1' });
    expect(conf).toMatch(/^\s*proposals = aes256gcm16-prfsha256-modp2048$/m);
    expect(conf).toMatch(/^\s*esp_proposals = aes256gcm16-modp2048$/m);
  });
});

describe('renderWireguardMss', () => {
  const wg = (leaf: string[], value: string) => ({
    op: 'set' as const,
    path: ['interfaces', 'wireguard', 'wg0', ...leaf],
    value,
  });

  it('clamps to the interface MTU less 40, the 1420 default giving 1380', () => {
    expect(wireguardTcpMss()).toBe(1380);
    expect(renderWireguardMss('wg0', [wg(['address'], '10.250.0.1/24')])).toEqual([
      wg(['ip', 'adjust-mss'], '1380'),
    ]);
    expect(renderWireguardMss('wg0', [wg(['mtu'], '1380')])).toEqual([
      wg(['ip', 'adjust-mss'], '1340'),
    ]);
    // An MTU above what 1500 carries over IPv4 (1440) is bounded by the path, not the interface.
    expect(wireguardTcpMss(9001)).toBe(1400);
  });

  it("leaves an operator's own clamp alone", () => {
    expect(renderWireguardMss('wg0', [wg(['ip', 'adjust-mss'], 'clamp-mss-to-pmtu')])).toEqual([]);
  });
});
