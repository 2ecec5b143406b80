/**
 * The real driver against the VyOS emulator over loopback SSH: pinned keys, status parsing,
 * applyConfig with commit and with commit-confirm + verify + confirm + save, failures that
 * must leave nothing committed, and the pool reconnecting after a drop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import {
  applySetLines,
  generateHostKey,
  generateUserKey,
  startVyosRouter,
} from '../../src/sim/vyos/start-vyos-router.js';
import { renderIpsecPeer } from '../../src/vyos/render-ipsec-peer.js';
import { createRouterPool, type RouterPool } from '../../src/vyos/router-pool.js';

const BASE = [
  "set system host-name 'hub-tokyo-a'",
  "set interfaces ethernet eth0 address 'dhcp'",
  "set interfaces wireguard wg0 address '10.250.0.1/24'",
  "set interfaces wireguard wg0 port '51820'",
  "set interfaces wireguard wg0 private-key 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk='",
];
const ALICE_KEY = 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=';
const BOB_KEY = 'h1HkYlSuHdJN6Qv4Hz4bBzjGg5WUty+U1L7DJsZy1iE=';
const alice = (name = 'alice', key = ALICE_KEY) => [
  {
    op: 'set' as const,
    path: ['interfaces', 'wireguard', 'wg0', 'peer', name, 'public-key'],
    value: key,
  },
  {
    op: 'set' as const,
    path: ['interfaces', 'wireguard', 'wg0', 'peer', name, 'allowed-ips'],
    value: '10.250.0.10/32',
  },
];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function world(options: { minuteMs?: number; roundTripMs?: number } = {}) {
  const hostKey = generateHostKey();
  const userKey = generateUserKey();
  const sim = await startVyosRouter({
    name: 'hub-tokyo-a',
    hostKey: hostKey.privateKey,
    authorizedKeys: [userKey.publicKey],
    baseConfig: BASE,
    ...options,
  });
  cleanups.push(() => sim.close());
  const pool = createRouterPool({
    routers: {
      'hub-tokyo-a': {
        host: sim.host,
        port: sim.port,
        user: 'vyos',
        privateKey: userKey.privateKey,
        hostKey: hostKey.publicKey,
      },
    },
    logger: createLogger({ level: 'silent' }),
    connectTimeoutMs: 5000,
    commandTimeoutMs: 5000,
    lockRetryDelaysMs: [10, 20, 40],
  });
  cleanups.push(() => pool.closeAll());
  return { sim, pool, router: pool.router('hub-tokyo-a') };
}

const activeConfig = async (pool: RouterPool) =>
  (await pool.router('hub-tokyo-a').runningConfig()).map(
    (l) => `${l.op} ${l.path.join(' ')}${l.value === undefined ? '' : ` '${l.value}'`}`,
  );

describe('router driver against the VyOS emulator', () => {
  it('connects with the pinned key and parses every status output', async () => {
    const { router } = await world();
    const ipsec = await router.ipsecReport();
    expect(Array.isArray(ipsec.sas)).toBe(true);
    const wg = await router.wireguard();
    expect(wg.interface).toBe('wg0');
    expect(wg.listeningPort).toBe(51820);
    const bgp = await router.bgpSummary();
    expect(bgp === null || Array.isArray(bgp.neighbors)).toBe(true);
    const load = await router.loadAverage();
    expect(load.load5).toBeGreaterThanOrEqual(0);
    expect((await router.uptime()).uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(await router.runningConfig()).toContainEqual({
      op: 'set',
      path: ['interfaces', 'wireguard', 'wg0', 'port'],
      value: '51820',
    });
  });

  it(
    'reads a router in one exchange over a WAN link: readAtOnce answers what each read ' +
      'answers, and a change made between two exchanges shows in the second',
    async () => {
      const { sim, router } = await world({ roundTripMs: 20 });
      const request = {
        config: true,
        sas: true,
        routes: true,
        bgp: true,
        load: true,
        wireguard: ['wg0'],
      };
      // The first exchange also carries the terminal setup typed ahead of it.
      const first = await router.readAtOnce(request);
      expect(first.config).toEqual(await router.runningConfig());
      expect(first.sas).toEqual(await router.ipsecReport());
      expect(first.routes).toEqual(await router.ipRoutes());
      expect(first.bgp).toEqual(await router.bgpSummary());
      expect(first.wireguard).toEqual([await router.wireguard('wg0')]);
      expect(first.load?.load5).toBeGreaterThanOrEqual(0);
      expect(await router.readAtOnce({ wireguard: [] })).toEqual({ wireguard: [] });

      await router.applyConfig(alice());
      const second = await router.readAtOnce(request);
      expect(second.wireguard[0]!.peers.map((p) => p.publicKey)).toEqual([ALICE_KEY]);
      expect(second.config).toContainEqual({
        op: 'set',
        path: ['interfaces', 'wireguard', 'wg0', 'peer', 'alice', 'allowed-ips'],
        value: '10.250.0.10/32',
      });
      // A router switched off drops the session across the link; the next read says so.
      sim.powerOff();
      const err = await router.readAtOnce(request).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RouterError);
      expect((err as RouterError).code).toBe('ROUTER_UNREACHABLE');
    },
  );

  it('applies with commit and save; a second identical apply changes nothing', async () => {
    const { sim, pool, router } = await world();
    const result = await router.applyConfig(alice());
    expect(result.committed).toBe(true);
    expect(result.changed).toBe(true);
    expect(result.compare).toContain(
      "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
    );
    expect(await activeConfig(pool)).toContain(
      `set interfaces wireguard wg0 peer alice public-key '${ALICE_KEY}'`,
    );
    expect(sim.router.saved.value('interfaces wireguard wg0 peer alice allowed-ips')).toBe(
      '10.250.0.10/32',
    );
    const again = await router.applyConfig(alice());
    expect(again).toMatchObject({ committed: false, changed: false });
  });

  it('a dry run shows the compare output and commits nothing', async () => {
    const { pool, router } = await world();
    const result = await router.applyConfig(alice(), { dryRun: true });
    expect(result).toMatchObject({ committed: false, changed: true });
    expect(result.compare).toContain('peer alice');
    expect((await activeConfig(pool)).join('\n')).not.toContain('peer alice');
  });

  it('commit-confirm, verify, confirm, then save', async () => {
    const { sim, router } = await world();
    let sawPeer = false;
    const result = await router.applyConfig(alice(), {
      confirmMinutes: 5,
      verify: async (r) => {
        // The change is live but not yet saved while we verify.
        sawPeer = (await r.runningConfig()).some((l) => l.path.includes('alice'));
        expect(
          sim.router.saved.value('interfaces wireguard wg0 peer alice allowed-ips'),
        ).toBeUndefined();
      },
    });
    expect(sawPeer).toBe(true);
    expect(result.committed).toBe(true);
    expect(sim.router.saved.value('interfaces wireguard wg0 peer alice allowed-ips')).toBe(
      '10.250.0.10/32',
    );
  });

  it(
    'a failed verify is rolled back at once, not ' +
      'by the timer: the next change commits at once',
    async () => {
      // A minute of an hour: the timer could never be what undoes the change in this test.
      const { sim, router } = await world({ minuteMs: 3_600_000 });
      const reboots: unknown[] = [];
      sim.router.on('reboot', () => reboots.push(1));
      const err = (await router
        .applyConfig(alice(), {
          confirmMinutes: 3,
          verify: () => Promise.reject(new Error('alice never shook hands')),
        })
        .catch((e: unknown) => e)) as RouterError;
      expect(err).toBeInstanceOf(RouterError);
      expect(err.message).toMatch(
        /alice never shook hands.*NOT confirmed and was rolled back at once: hub-tokyo-a runs its saved configuration again/,
      );
      expect(sim.router.confirmPending).toBe(false);
      expect(sim.router.active.has('interfaces wireguard wg0 peer alice')).toBe(false);
      expect(
        sim.router.saved.value('interfaces wireguard wg0 peer alice allowed-ips'),
      ).toBeUndefined();
      // The next change on the router is not held off by a pending confirm.
      const next = await router.applyConfig(alice('bob', BOB_KEY), { confirmMinutes: 3 });
      expect(next.committed).toBe(true);
      expect(sim.router.active.has('interfaces wireguard wg0 peer bob')).toBe(true);
      expect(sim.router.confirmPending).toBe(false);
      expect(reboots).toHaveLength(0);
    },
  );

  it('a failing set stops, exits discard, and leaves nothing committed', async () => {
    const { pool, router } = await world();
    const lines = [
      ...alice(),
      {
        op: 'set' as const,
        path: ['interfaces', 'wireguard', 'wg0', 'peeer', 'bob', 'allowed-ips'],
        value: '10.250.0.11/32',
      },
    ];
    const err = (await router.applyConfig(lines).catch((e: unknown) => e)) as RouterError;
    expect(err).toBeInstanceOf(RouterError);
    expect(err.code).toBe('ROUTER_COMMAND');
    expect(err.message).toMatch(/Set failed/);
    expect((await activeConfig(pool)).join('\n')).not.toContain('peer alice');
    // The session is back in op mode and usable.
    expect((await router.wireguard()).interface).toBe('wg0');
  });

  it('a failed commit changes nothing and quotes the router', async () => {
    const { pool, router } = await world();
    // A WireGuard peer without allowed-ips fails VyOS's commit check.
    const err = (await router
      .applyConfig([
        {
          op: 'set',
          path: ['interfaces', 'wireguard', 'wg0', 'peer', 'BRANCH1', 'public-key'],
          value: ALICE_KEY,
        },
      ])
      .catch((e: unknown) => e)) as RouterError;
    expect(err).toBeInstanceOf(RouterError);
    expect(err.message).toMatch(/Commit failed/);
    expect((await activeConfig(pool)).join('\n')).not.toContain('BRANCH1');
  });

  it('secrets in the compare output are redacted', async () => {
    const { router } = await world();
    const result = await router.applyConfig(
      [
        {
          op: 'set',
          path: ['interfaces', 'wireguard', 'wg0', 'private-key'],
          value: 'aAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=',
        },
      ],
      { dryRun: true },
    );
    expect(result.compare).toContain("private-key '[redacted]'");
    expect(result.compare).not.toContain('aAnz5TF');
  });

  it('the pool reconnects after the router drops the session', async () => {
    const { sim, router } = await world();
    expect((await router.wireguard()).interface).toBe('wg0');
    sim.powerOff();
    await expect(router.wireguard()).rejects.toBeInstanceOf(RouterError);
    sim.powerOn();
    expect((await router.wireguard()).interface).toBe('wg0');
  });

  it('reads characters that sshd splits across two 16 KiB reads of the PTY', async () => {
    const { sim, router } = await world();
    // 18,000 bytes of three-byte characters hold a 16 KiB boundary; shifting the text by one
    // and two bytes puts that boundary inside a character at least twice.
    for (const pad of ['', 'a', 'aa']) {
      const description = `${pad}${'┌'.repeat(6000)}`;
      applySetLines(sim.router, [`set interfaces ethernet eth0 description '${description}'`]);
      const lines = await router.runningConfig();
      const read = lines.find((l) => l.path.join(' ') === 'interfaces ethernet eth0 description');
      expect(read?.value).toBe(description);
    }
  });

  it('reads a guessed WireGuard interface that is gone as nothing, one that is there', async () => {
    const { router } = await world();
    const read = await router.readAtOnce({ config: true, wireguardIfAny: ['wg0', 'wg9'] });
    expect(read.wireguard.map((w) => w.interface)).toEqual(['wg0']);
    expect(read.config?.length).toBeGreaterThan(0);
    // Asked for certain, a missing interface is still an error that says so.
    await expect(router.readAtOnce({ wireguard: ['wg9'] })).rejects.toThrow(/wg9/);
  });

  it('resets IPsec with the 1.4 command and the router sees it per peer', async () => {
    const { sim, router } = await world();
    await router.applyConfig(
      renderIpsecPeer({
        name: 'OFFICE',
        remoteAddress: '203.0.113.10',
        localAddress: '10.0.1.10',
        presharedKey: 'officeKey_2024.long',
        ike: {
          keyExchange: 'ikev2',
          proposals: [{ encryption: 'aes256', hash: 'sha256', dhGroup: '14' }],
        },
        esp: { proposals: [{ encryption: 'aes256', hash: 'sha256' }] },
        routing: {
          kind: 'policy',
          tunnels: [{ localPrefix: '10.0.0.0/16', remotePrefix: '192.168.0.0/16' }],
        },
      }),
    );
    const reset: string[] = [];
    sim.router.on('ipsec-reset', (e: { peer: string }) => reset.push(e.peer));
    await router.resetIpsec();
    expect(reset).toEqual(['OFFICE']);
  });

  it('commands from two runbooks at once are serialised on one session', async () => {
    const { router } = await world();
    const [a, b, c] = await Promise.all([
      router.applyConfig(alice('alice')),
      router.wireguard(),
      router.applyConfig(alice('bob', BOB_KEY)),
    ]);
    expect(a.committed).toBe(true);
    expect(b.interface).toBe('wg0');
    expect(c.committed).toBe(true);
  });
});
