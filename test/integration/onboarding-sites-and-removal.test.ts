import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { AddressPool } from '../../src/onboarding/address-pool.js';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
beforeAll(async () => {
  stack = await startOnboardingStack();
});
afterAll(async () => {
  await stack?.close();
});

const hubRouter = () => stack.world.router('hub-tokyo-a').handle.router;
const POOL = { router: 'hub-tokyo-a', iface: 'wg0', pool: '10.250.0.0/24' };
const thread = (runId: string) =>
  stack.slack.store
    .messages(CHANNEL)
    .filter((m) => JSON.stringify(m.blocks ?? m.text).includes(runId))
    .flatMap((m) => [m, ...stack.slack.store.replies(CHANNEL, m.ts)])
    .map((m) => JSON.stringify(m.blocks ?? m.text))
    .join('\n');

describe('/vpn add-peer ipsec', () => {
  it(
    'adds a route-based site with static routes; the DM has the VyOS script ' +
      'and swanctl.conf; the PSK is on the router and in no log or record',
    async () => {
      const { runId, reply } = await stack.vpn(
        'U0ALICE',
        'add-peer osaka ipsec --remote 198.51.100.77 --subnets 172.20.0.0/16,172.21.0.0/16',
      );
      expect(runId, reply).toBeDefined();
      const run = await stack.waitForRun(runId!);
      expect(run.status, run.outcome).toBe('succeeded');
      const hub = stack.hubLines().join('\n');
      const psk = /authentication psk osaka secret '([^']+)'/.exec(hub)?.[1];
      expect(psk).toMatch(/^[A-Za-z][A-Za-z0-9]{47}$/);
      expect(hub).toContain("set vpn ipsec site-to-site peer osaka remote-address '198.51.100.77'");
      // local-address is the hub's PRIVATE address (the Elastic IP is NAT'd), the local id its
      // public one.
      const privateIp = stack.world.state.instances.get(
        stack.world.router('hub-tokyo-a').instanceId,
      )?.privateIp;
      expect(hub).toContain(`set vpn ipsec site-to-site peer osaka local-address '${privateIp}'`);
      expect(hub).toContain(
        "set vpn ipsec site-to-site peer osaka authentication local-id '203.0.113.10'",
      );
      expect(hub).toContain("set vpn ipsec site-to-site peer osaka vti bind 'vti100'");
      expect(hub).toContain("set interfaces vti vti100 address '169.254.100.1/30'");
      expect(hub).toContain('set protocols static route 172.20.0.0/16 interface vti100');
      expect(hub).toContain("set vpn ipsec ike-group IKE-osaka key-exchange 'ikev2'");

      const files = await waitFor(() => {
        const f = stack.slack.store
          .filesIn('D0ALICE')
          .filter((x) => x.name.startsWith('osaka-hub-tokyo-a'));
        return f.length === 2 ? f : undefined;
      }, 'both site files');
      const script = files.find((f) => f.name.endsWith('-vyos.txt'))!.bytes.toString();
      const swanctl = files.find((f) => f.name.endsWith('-swanctl.conf'))!.bytes.toString();
      expect(script).toContain(`set vpn ipsec authentication psk hub-tokyo-a secret '${psk}'`);
      expect(script).toContain(
        "set vpn ipsec site-to-site peer hub-tokyo-a remote-address '203.0.113.10'",
      );
      expect(script).toContain("set interfaces vti vti100 address '169.254.100.2/30'");
      expect(swanctl).toContain(`secret = "${psk}"`);
      expect(swanctl).toContain('remote_addrs = 203.0.113.10');

      expect(stack.logLines.join('')).not.toContain(psk);
      expect(JSON.stringify(run)).not.toContain(psk);
      expect(thread(run.id)).not.toContain(psk);
      const events = await stack.bot.runtime.redis.xrange(
        `${stack.prefix}:run:${run.id}:events`,
        '-',
        '+',
      );
      expect(JSON.stringify(events)).not.toContain(psk);
      // The compare output went to the thread's checklist, redacted.
      expect(run.steps.find((s) => s.id === 'configure')?.detail).toContain("secret '[redacted]'");
    },
  );

  it('refuses a second peer for the same remote, and subnets another peer owns', async () => {
    const same = await stack.vpn(
      'U0ALICE',
      'add-peer kyoto ipsec --remote 198.51.100.77 --subnets 172.30.0.0/16',
    );
    const sameRun = await stack.waitForRun(same.runId!);
    expect(sameRun.status).toBe('failed');
    expect(sameRun.outcome).toMatch(/198\.51\.100\.77 is already site-to-site peer osaka/);
    const overlap = await stack.vpn(
      'U0ALICE',
      'add-peer kyoto ipsec --remote 198.51.100.78 --subnets 172.21.128.0/17',
    );
    const overlapRun = await stack.waitForRun(overlap.runId!);
    expect(overlapRun.outcome).toMatch(
      /172\.21\.128\.0\/17 overlaps 172\.21\.0\.0\/16 of peer osaka/,
    );
    expect(stack.hubLines().join('\n')).not.toContain('kyoto');
  });
});

describe('a commit the router refuses', () => {
  it(
    'leaves the router as it was, returns the ' + 'address to the pool, and says why in the thread',
    async () => {
      const router = hubRouter();
      // A router whose WireGuard interface lost its private key: VyOS refuses any commit there.
      router.active = ConfigTree.fromSetLines(
        router.activeLines().filter((l) => !l.includes('wireguard wg0 private-key')),
      );
      const before = router.activeLines().join('\n');
      try {
        const { runId } = await stack.vpn(
          'U0ALICE',
          `add-peer doomed --pubkey ${generateWireguardKeyPair().publicKey}`,
        );
        const run = await stack.waitForRun(runId!);
        expect(run.status).toBe('rolled-back');
        expect(run.steps.find((s) => s.id === 'configure')?.error).toMatch(
          /refused the commit.*Wireguard private-key.*Commit failed/,
        );
        expect(router.activeLines().join('\n')).toBe(before);
        const leased = (run.steps.find((s) => s.id === 'reserve')?.result as { address: string })
          .address;
        expect(leased).toBe('10.250.0.4');
        expect(run.steps.find((s) => s.id === 'reserve')?.status).toBe('undone');
        expect(
          Object.keys(await new AddressPool(stack.bot.runtime.redis, stack.prefix).holders(POOL)),
        ).not.toContain(leased);
        const said = await waitFor(
          () => (thread(run.id).includes('Commit failed') ? thread(run.id) : undefined),
          'the thread to say why',
        );
        expect(said).toContain('Undid');
      } finally {
        router.active = ConfigTree.fromSetLines([
          ...router.activeLines(),
          ...router.savedLines().filter((l) => l.includes('wireguard wg0 private-key')),
        ]);
      }
    },
  );
});

describe('/vpn remove-peer and /vpn peers', () => {
  it('lists every peer with its kind, address and state', async () => {
    const { runId } = await stack.vpn('U0ALICE', 'peers');
    const run = await stack.waitForRun(runId!);
    expect(run.status).toBe('succeeded');
    // The channel gets the counts; the list goes in the run's thread, under the summary.
    expect(run.outcome).toMatch(
      /^\d+ peers on \d+ routers, \d+ connected \(the list is in the thread\)\.$/,
    );
    const list = await waitFor(() => {
      const text = thread(run.id);
      return text.includes('*Peers*') && text.includes('spoke-virginia · hub') ? text : undefined;
    }, 'the peer list in the thread');
    expect(list).toMatch(/hub-tokyo-a · ops-carol · WireGuard · 10\.250\.0\.2\/32 · handshake/);
    expect(list).toMatch(
      /hub-tokyo-a · osaka · IPsec · 198\.51\.100\.77 → 172\.20\.0\.0\/16, 172\.21\.0\.0\/16/,
    );
    expect(list).toMatch(/spoke-virginia · hub · IPsec/);
  });

  it(
    'removes a WireGuard peer and frees its address ' + 'for the next one; refuses a router tunnel',
    async () => {
      const key = generateWireguardKeyPair().publicKey;
      const added = await stack.waitForRun(
        (await stack.vpn('U0ALICE', `add-peer temp --pubkey ${key}`)).runId!,
      );
      expect(added.status, added.outcome).toBe('succeeded');
      const address = (added.steps.find((s) => s.id === 'reserve')?.result as { address: string })
        .address;
      const pool = new AddressPool(stack.bot.runtime.redis, stack.prefix);
      expect((await pool.holders(POOL))[address]).toBe('applied:temp');

      const removed = await stack.waitForRun((await stack.vpn('U0BOB', 'remove-peer temp')).runId!);
      expect(removed.status, removed.outcome).toBe('succeeded');
      expect(stack.hubLines().join('\n')).not.toContain('peer temp ');
      expect((await pool.holders(POOL))[address]).toBeUndefined();
      const audit = await stack.bot.runtime.redis.xrange(`${stack.prefix}:audit`, '-', '+');
      expect(JSON.stringify(audit)).toMatch(new RegExp(`${removed.id}.*remove-peer.*temp`));

      const next = await stack.waitForRun(
        (
          await stack.vpn(
            'U0ALICE',
            `add-peer temp2 --pubkey ${generateWireguardKeyPair().publicKey}`,
          )
        ).runId!,
      );
      expect(
        (next.steps.find((s) => s.id === 'reserve')?.result as { address: string }).address,
      ).toBe(address);

      const site = await stack.waitForRun((await stack.vpn('U0BOB', 'remove-peer osaka')).runId!);
      expect(site.status, site.outcome).toBe('succeeded');
      const hub = stack.hubLines().join('\n');
      expect(hub).not.toMatch(/osaka|vti100|172\.20\.0\.0/);

      const tunnel = await stack.waitForRun(
        (await stack.vpn('U0BOB', 'remove-peer spoke-virginia')).runId!,
      );
      expect(tunnel.status).toBe('failed');
      expect(tunnel.outcome).toMatch(/tunnel to flatnet's router spoke-virginia, not a peer/);
    },
  );

  it('asks for approval when the requester is not self-service', async () => {
    const { runId } = await stack.vpn('U0ALICE', 'remove-peer temp2');
    const run = await stack.waitForRun(runId!, ['awaiting-approval']);
    expect(run.approval?.approvers).toEqual(expect.arrayContaining(['U0BOB', 'U0CAROL']));
    expect(stack.hubLines().join('\n')).toContain('peer temp2 ');
  });
});
