import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, createPrivateKey, diffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generatePresharedKey,
  generateWireguardKeyPair,
} from '../../src/onboarding/generate-secrets.js';
import {
  ipsecPeerSpec,
  siteSide,
  type IpsecPeerRequest,
} from '../../src/onboarding/plan-ipsec-peer.js';
import {
  ipsecClientFiles,
  renderClientConfig,
  wireguardClientFiles,
} from '../../src/onboarding/render-client-files.js';
import { sendClientFiles } from '../../src/onboarding/send-client-files.js';
import { describePeers } from '../../src/report/peer-report.js';
import { buildPeerList } from '../../src/slack/blocks/build-peer-list.js';
import { assertWithinLimits } from '../../src/slack/blocks/index.js';
import type { Run } from '../../src/runbook/types.js';
import { assertPresharedKey, assertWireguardKey } from '../../src/vyos/validate-network-input.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();
const hub = inventory.routers['hub-tokyo-a']!;

const x25519Public = (key: string) =>
  createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(key, 'base64').toString('base64url') },
    format: 'jwk',
  });
const x25519Private = (pair: { publicKey: string; privateKey: string }) =>
  createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'X25519',
      x: Buffer.from(pair.publicKey, 'base64').toString('base64url'),
      d: Buffer.from(pair.privateKey, 'base64').toString('base64url'),
    },
    format: 'jwk',
  });

describe('generated secrets', () => {
  it(
    'makes real X25519 pairs in WireGuard form ' + '(the halves agree) and strong pre-shared keys',
    () => {
      const a = generateWireguardKeyPair();
      const b = generateWireguardKeyPair();
      assertWireguardKey(a.publicKey, 'public');
      assertWireguardKey(a.privateKey, 'private');
      expect(a.privateKey).not.toBe(b.privateKey);
      const ab = diffieHellman({
        privateKey: x25519Private(a),
        publicKey: x25519Public(b.publicKey),
      });
      const ba = diffieHellman({
        privateKey: x25519Private(b),
        publicKey: x25519Public(a.publicKey),
      });
      expect(ab.equals(ba)).toBe(true);
      const psks = new Set(Array.from({ length: 50 }, () => generatePresharedKey()));
      expect(psks.size).toBe(50);
      for (const psk of psks) assertPresharedKey(psk);
    },
  );
});

describe('client files', () => {
  it(
    'a wg-quick file: address, the hub key and endpoint, ' +
      'every network of the flat network, keepalive',
    async () => {
      const keys = generateWireguardKeyPair();
      const text = renderClientConfig({
        peerName: 'alice',
        address: '10.250.0.4',
        privateKey: keys.privateKey,
        routerName: 'hub-tokyo-a',
        router: hub,
        inventory,
      });
      expect(text).toBe(
        [
          '# flatnet: WireGuard peer alice on hub-tokyo-a',
          '[Interface]',
          `PrivateKey = ${keys.privateKey}`,
          'Address = 10.250.0.4/32',
          '',
          '[Peer]',
          '# hub-tokyo-a',
          `PublicKey = ${hub.wireguard!.publicKey}`,
          'Endpoint = vpn.example.com:51820',
          'AllowedIPs = 10.0.0.0/8, 192.168.0.0/16',
          'PersistentKeepalive = 25',
          '',
        ].join('\n'),
      );
      const withKey = await wireguardClientFiles({
        peerName: 'alice',
        address: '10.250.0.4',
        privateKey: keys.privateKey,
        routerName: 'hub-tokyo-a',
        router: hub,
        inventory,
      });
      expect(withKey.map((f) => f.filename)).toEqual([
        'alice-hub-tokyo-a.conf',
        'alice-hub-tokyo-a-qr.png',
      ]);
      expect(
        (withKey[1]!.content as Buffer)
          .subarray(0, 8)
          .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      ).toBe(true);
      // With the person's own key there is no private key to put in a QR code.
      const own = await wireguardClientFiles({
        peerName: 'alice',
        address: '10.250.0.4',
        routerName: 'hub-tokyo-a',
        router: hub,
        inventory,
      });
      expect(own).toHaveLength(1);
      expect(String(own[0]!.content)).toContain('PrivateKey = <your private key');
    },
  );

  it("a site's VyOS script and swanctl.conf mirror the hub's peer", () => {
    const req: IpsecPeerRequest = {
      name: 'osaka',
      remote: '198.51.100.77',
      subnets: ['172.20.0.0/16'],
      mode: 'route',
      localAddress: '10.0.1.10',
      hubPublicAddress: '203.0.113.10',
      hubName: 'hub-tokyo-a',
      presharedKey: 'Abcdefgh12345678Abcdefgh12345678',
      tunnel: { vtiNumber: 100, hubAddress: '169.254.100.1/30', siteAddress: '169.254.100.2/30' },
      description: 'flatnet r-aaaaaa',
    };
    const spec = ipsecPeerSpec(req, inventory);
    expect(spec).toMatchObject({
      localAddress: '10.0.1.10',
      localId: '203.0.113.10',
      ike: {
        keyExchange: 'ikev2',
        proposals: [{ encryption: 'aes256', hash: 'sha256', dhGroup: '14' }],
      },
      esp: { pfs: 'dh-group14' },
    });
    const [vyos, swanctl] = ipsecClientFiles(spec, siteSide(req, inventory));
    expect(String(vyos!.content)).toContain(
      "set vpn ipsec site-to-site peer hub-tokyo-a remote-address '203.0.113.10'",
    );
    expect(String(vyos!.content)).toContain(
      "set vpn ipsec site-to-site peer hub-tokyo-a connection-type 'respond'",
    );
    expect(String(vyos!.content)).toContain("set interfaces vti vti100 address '169.254.100.2/30'");
    expect(String(swanctl!.content)).toContain('proposals = aes256-sha256-modp2048');
    expect(String(swanctl!.content)).toContain('secret = "Abcdefgh12345678Abcdefgh12345678"');
    // Without BGP the site routes the flat network's aggregates into its VTI.
    expect(String(vyos!.content)).toContain(
      'set protocols static route 10.0.0.0/8 interface vti100\n' +
        'set protocols static route 192.168.0.0/16 interface vti100\n',
    );
    expect(String(vyos!.content)).not.toContain('protocols bgp');
    expect(String(swanctl!.content)).toContain('#   ip route add 10.0.0.0/8 dev xfrm10');
  });

  it(
    "a BGP site's VyOS script peers with the hub's " + 'end of the VTI and announces its subnets',
    () => {
      const req: IpsecPeerRequest = {
        name: 'osaka',
        remote: '198.51.100.77',
        subnets: ['172.20.0.0/16', '172.21.5.0/24'],
        mode: 'route',
        bgpAsn: 65100,
        localAddress: '10.0.1.10',
        hubPublicAddress: '203.0.113.10',
        hubName: 'hub-tokyo-a',
        presharedKey: 'Abcdefgh12345678Abcdefgh12345678',
        tunnel: { vtiNumber: 101, hubAddress: '169.254.101.1/30', siteAddress: '169.254.101.2/30' },
        description: 'flatnet r-aaaaaa',
      };
      const [vyos, swanctl] = ipsecClientFiles(
        ipsecPeerSpec(req, inventory),
        siteSide(req, inventory),
      );
      const script = String(vyos!.content);
      for (const line of [
        "set protocols bgp system-as '65100'",
        "set protocols bgp neighbor 169.254.101.1 remote-as '65000'",
        'set protocols bgp neighbor 169.254.101.1 address-family ipv4-unicast',
        'set protocols bgp address-family ipv4-unicast network 172.20.0.0/16',
        'set protocols bgp address-family ipv4-unicast network 172.21.5.0/24',
      ])
        expect(script).toContain(line);
      expect(script).not.toContain('protocols static');
      expect(String(swanctl!.content)).toContain('#    neighbor 169.254.101.1 remote-as 65000');
    },
  );

  it('policy-based selectors cover the flat network on both ends', () => {
    const req: IpsecPeerRequest = {
      name: 'kobe',
      remote: '198.51.100.78',
      subnets: ['172.22.0.0/24'],
      mode: 'policy',
      localAddress: '10.0.1.10',
      hubPublicAddress: '203.0.113.10',
      hubName: 'hub-tokyo-a',
      presharedKey: 'Abcdefgh12345678Abcdefgh12345678',
      description: 'flatnet r-bbbbbb',
    };
    const spec = ipsecPeerSpec(req, inventory);
    expect(spec.routing).toEqual({
      kind: 'policy',
      tunnels: [
        { localPrefix: '10.0.0.0/8', remotePrefix: '172.22.0.0/24' },
        { localPrefix: '192.168.0.0/16', remotePrefix: '172.22.0.0/24' },
      ],
    });
    const [vyos, swanctl] = ipsecClientFiles(spec, siteSide(req, inventory));
    const script = String(vyos!.content);
    expect(script).toContain(
      "set vpn ipsec site-to-site peer hub-tokyo-a tunnel 0 local prefix '172.22.0.0/24'",
    );
    expect(script).toContain(
      "set vpn ipsec site-to-site peer hub-tokyo-a tunnel 0 remote prefix '10.0.0.0/8'",
    );
    expect(script).toContain(
      "set vpn ipsec site-to-site peer hub-tokyo-a tunnel 1 remote prefix '192.168.0.0/16'",
    );
    expect(script).not.toMatch(/protocols (bgp|static)/);
    expect(String(swanctl!.content)).toContain('remote_ts = 10.0.0.0/8,192.168.0.0/16');
  });

  it(
    'a run from the terminal gets its files under ' +
      '.flatnet/out/<run id>/ readable by the owner only',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'flatnet-out-'));
      try {
        const run = {
          id: 'r-abc123',
          requester: 'cli',
          origin: { kind: 'cli', channel: 'C0NETOPS' },
        } as unknown as Run;
        const detail = await sendClientFiles({ clientFilesDir: dir }, run, 'ignored', [
          { filename: 'alice.conf', title: 't', content: 'PrivateKey = x' },
        ]);
        const path = join(dir, 'r-abc123', 'alice.conf');
        expect(detail).toContain(join(dir, 'r-abc123'));
        expect(readFileSync(path, 'utf8')).toBe('PrivateKey = x');
        expect(statSync(path).mode & 0o777).toBe(0o600);
        expect(statSync(join(dir, 'r-abc123')).mode & 0o777).toBe(0o700);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('the peer list', () => {
  const fleet = (n: number) => [
    {
      router: 'hub-tokyo-a',
      peers: Array.from({ length: n }, (_, i) => ({
        router: 'hub-tokyo-a',
        name: `dev-${i}`,
        kind: 'wireguard' as const,
        reach: `10.250.${Math.floor(i / 250)}.${i % 250}/32`,
        state: i === 150 ? 'never connected' : 'handshake 10s ago',
        up: i !== 150,
      })),
    },
    { router: 'spoke-oregon', peers: [], error: 'no answer' },
  ];

  it('answers in the channel with counts and the routers that did not answer', () => {
    expect(describePeers(fleet(200)).split('\n')).toEqual([
      '200 peers on 2 routers, 199 connected (the list is in the thread).',
      '✗ spoke-oregon: unreachable (no answer)',
    ]);
    expect(describePeers([{ router: 'hub', peers: fleet(1)[0]!.peers }])).toBe(
      '1 peer on 1 router, 1 connected (the list is in the thread).',
    );
  });

  it('lists every peer in the thread, disconnected first, in whole lines and parts', () => {
    const replies = buildPeerList(fleet(200));
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) assertWithinLimits(r);
    const text = replies.map((r) => JSON.stringify(r.blocks)).join('');
    expect(text).toContain(`(part 1/${replies.length})`);
    expect(text.indexOf('dev-150')).toBeLessThan(text.indexOf('dev-0 '));
    for (let i = 0; i < 200; i++) expect(text).toContain(`dev-${i} · WireGuard`);
    expect(text).toContain('○ not connected · hub-tokyo-a · dev-150');
  });

  it('narrows a fleet too large for the thread to the first parts, and says how', () => {
    const replies = buildPeerList(fleet(5000));
    expect(replies).toHaveLength(20);
    expect(JSON.stringify(replies.at(-1)!.blocks)).toMatch(
      /… and \d+ more: narrow it with `\/vpn peers --router &lt;router&gt;`/,
    );
  });
});
