import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { dumpPrefix } from '../helpers/redis.js';
import { recordSlack } from '../helpers/record-slack.js';
import { FIELDS } from '../../commands/add-peer-modal.js';
import { deviceOnOregon, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
beforeAll(async () => {
  stack = await startOnboardingStack();
});
afterAll(async () => {
  await stack?.close();
});

async function openForm(user = 'U0ALICE'): Promise<string> {
  const reply = await stack.slack.slashCommand({
    user,
    channel: 'C0NETOPS',
    command: '/vpn',
    text: 'add-peer',
  });
  expect(reply.status).toBe(200);
  const view = await waitFor(() => stack.slack.store.viewStack(user).at(-1), 'the add-peer form');
  return view.id;
}

const HOSTILE = [
  'name;reboot',
  '$(reboot)',
  "al'ice",
  'al"ice',
  'ali\nce',
  'аlice',
  'alice`reboot`',
  'x'.repeat(10_000),
];

describe('the add-peer form', () => {
  it(
    'opens on /vpn add-peer without arguments, answers ' +
      'field-level errors, and starts the run when valid',
    async () => {
      const viewId = await openForm();
      const view = stack.slack.store.views.get(viewId)!;
      expect(JSON.stringify(view.view.blocks)).toContain(FIELDS.pubkey);

      const badName = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: { [FIELDS.name]: 'bob;reboot', [FIELDS.kind]: 'wireguard' },
      });
      expect(badName.responseAction).toBe('errors');
      expect(badName.errors?.[FIELDS.name]).toMatch(/1–32 letters, digits/);

      const badKey = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: { [FIELDS.name]: 'bob', [FIELDS.kind]: 'wireguard', [FIELDS.pubkey]: 'not-a-key' },
      });
      expect(badKey.errors?.[FIELDS.pubkey]).toMatch(/32 bytes/);

      const overlap = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: {
          [FIELDS.name]: 'osaka',
          [FIELDS.kind]: 'ipsec',
          [FIELDS.remote]: '198.51.100.77',
          [FIELDS.subnets]: '10.0.5.0/24',
        },
      });
      expect(overlap.errors?.[FIELDS.subnets]).toMatch(/overlaps 10\.0\.0\.0\/16/);

      const missing = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: { [FIELDS.name]: 'osaka', [FIELDS.kind]: 'ipsec' },
      });
      expect(Object.keys(missing.errors ?? {}).sort()).toEqual(
        [FIELDS.remote, FIELDS.subnets].sort(),
      );

      const smuggled = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: { [FIELDS.name]: 'bob --router hub-tokyo-b', [FIELDS.kind]: 'wireguard' },
      });
      expect(smuggled.errors?.[FIELDS.name]).toMatch(/spaces/);

      const ok = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: { [FIELDS.name]: 'bob-form', [FIELDS.kind]: 'wireguard' },
      });
      expect(ok.status).toBe(200);
      expect(ok.responseAction).toBeUndefined();
      // The run is recorded after the form closed (the answer comes first).
      const run = await waitFor(
        async () => (await stack.bot.runtime.engine.store.list({ kind: 'add-peer', limit: 1 }))[0],
        'the run of the form',
      );
      expect(run).toMatchObject({
        target: 'bob-form',
        requester: 'U0ALICE',
        origin: { kind: 'slack', channel: 'C0NETOPS' },
      });
      await waitFor(
        () => stack.hubLines().some((l) => l.includes('peer bob-form public-key')),
        'bob-form on the hub',
      );
      await waitFor(
        () =>
          stack.slack.store.filesIn('D0ALICE').some((f) => f.name === 'bob-form-hub-tokyo-a.conf'),
        'the DM file',
      );
    },
  );
});

describe('every problem at once', () => {
  it('the form puts each bad field under its own error, in its words, in one answer', async () => {
    const viewId = await openForm();
    const runsBefore = (await stack.bot.runtime.engine.store.list({ limit: 1000 })).length;
    const form = await stack.slack.submitView({
      user: 'U0ALICE',
      viewId,
      values: {
        [FIELDS.name]: 'bob;x',
        [FIELDS.kind]: 'ipsec',
        [FIELDS.remote]: '127.0.0.1',
        [FIELDS.subnets]: '192.168.7.0/24, 10.0.5.0/24',
      },
    });
    expect(form.responseAction).toBe('errors');
    expect(Object.keys(form.errors ?? {}).sort()).toEqual(
      [FIELDS.name, FIELDS.remote, FIELDS.subnets].sort(),
    );
    expect(form.errors?.[FIELDS.name]).toMatch(/is not a valid peer name/);
    expect(form.errors?.[FIELDS.remote]).toMatch(/^the remote public address 127\.0\.0\.1 is loop/);
    expect(form.errors?.[FIELDS.subnets]).toMatch(/^the subnets: 10\.0\.5\.0\/24 overlaps/);
    expect(JSON.stringify(form.errors)).not.toMatch(/--[a-z]/);
    expect((await stack.bot.runtime.engine.store.list({ limit: 1000 })).length).toBe(runsBefore);
  });

  it('the slash command answers once, listing every problem with its fix', async () => {
    const asked = await stack.vpn(
      'U0ALICE',
      'add-peer osaka2 ipsec --remote 127.0.0.1 --subnets 10.0.5.0/24 --bgp 65000',
    );
    expect(asked.runId).toBeUndefined();
    expect(asked.reply).toContain('That command has 3 problems');
    for (const said of [
      /--remote 127\.0\.0\.1 is loopback/,
      /--bgp 65000 is the AS of/,
      /overlaps/,
    ])
      expect(asked.reply).toMatch(said);
  });
});

describe('hostile input', () => {
  it(
    "refuses the all-zero key and the router's own key as " +
      '--pubkey; neither is echoed in a reply, log, record or session',
    async () => {
      const zero = 'A'.repeat(43) + '=';
      const own = (await stack.bot.runtime.deps.routers.router('hub-tokyo-a').wireguard('wg0'))
        .publicKey!;
      expect(own).toMatch(/=$/);
      const linesBefore = stack.logLines.length;
      const zeroed = await stack.vpn('U0ALICE', `add-peer zed --pubkey ${zero}`);
      expect(zeroed.runId).toBeUndefined();
      expect(zeroed.reply).toMatch(/--pubkey is the all-zero key/);
      const mirrored = await stack.vpn('U0ALICE', `add-peer mirror --pubkey ${own}`);
      expect(mirrored.reply).toMatch(/--pubkey is the WireGuard public key of hub-tokyo-a itself/);
      const refused = mirrored.runId ? JSON.stringify(await stack.waitForRun(mirrored.runId)) : '';
      for (const key of [zero, own]) {
        expect(zeroed.reply + mirrored.reply).not.toContain(key);
        expect(stack.logLines.slice(linesBefore).join('')).not.toContain(key);
        expect(stack.sent.join('\n')).not.toContain(key);
        expect(refused).not.toContain(key);
      }
      const runKeys = await stack.bot.runtime.redis.keys(`${stack.prefix}:*`);
      expect(runKeys.length).toBeGreaterThan(0);
      for (const k of runKeys.filter((k) => !k.includes('bull')))
        if ((await stack.bot.runtime.redis.type(k)) === 'string')
          expect(await stack.bot.runtime.redis.get(k)).not.toContain(zero);
      expect(stack.hubLines().join('\n')).not.toMatch(/zed|mirror/);
    },
  );

  it(
    "refuses a pasted private key (a router's, a device's on another router) and a key " +
      'already on any router of the fleet before any run exists, naming the holder; the ' +
      'key reaches no Redis key, log line, Slack message or router session',
    async () => {
      const lab = deviceOnOregon(stack, 'lab-box', '10.251.0.9/32');
      // Every router is read after Slack's ack (onboarding-key-check-after-ack.test.ts has
      // the slow and the stopped ones).
      const hubPrivate = stack.world
        .router('hub-tokyo-a')
        .handle.router.active.value('interfaces wireguard wg0 private-key')!;
      expect(hubPrivate).toMatch(/=$/);
      const linesBefore = stack.logLines.length;
      const sentBefore = stack.sent.length;
      const runsBefore = await stack.bot.runtime.engine.store.list({ limit: 1000 });
      const slack = recordSlack(stack.slack.store);

      const answers: string[] = [];
      for (const [name, key, said] of [
        ['p1', hubPrivate, /--pubkey is a private key: the private half of hub-tokyo-a's own/],
        ['p2', lab.privateKey, /--pubkey is a private key: the private half of peer lab-box's /],
        ['p3', lab.publicKey, /this public key is already peer lab-box on spoke-oregon/],
      ] as const) {
        const asked = await stack.vpn('U0ALICE', `add-peer ${name} --pubkey ${key}`);
        answers.push(asked.reply);
        expect(asked.runId, asked.reply).toBeUndefined();
        expect(asked.reply).toMatch(said);
      }
      expect(answers[1]).toMatch(/remove-peer lab-box --router spoke-oregon/);
      // The form closes, and the refusal comes privately, in the form's words, without the key.
      const viewId = await openForm();
      const form = await stack.slack.submitView({
        user: 'U0ALICE',
        viewId,
        values: {
          [FIELDS.name]: 'p4',
          [FIELDS.kind]: 'wireguard',
          [FIELDS.pubkey]: lab.privateKey,
        },
      });
      expect(form.responseAction).toBeUndefined();
      const told = await waitFor(
        () =>
          stack.slack.store
            .ephemerals('U0ALICE', 'C0NETOPS')
            .find((e) => e.text.startsWith('Your add-peer form was not taken')),
        'the form refused privately',
      );
      expect(told.text).toMatch(/the WireGuard public key is a private key/);
      answers.push(told.text);
      slack.stop();

      const runsAfter = await stack.bot.runtime.engine.store.list({ limit: 1000 });
      expect(runsAfter.length).toBe(runsBefore.length);
      const redis = await dumpPrefix(stack.bot.runtime.redis, stack.prefix);
      for (const key of [hubPrivate, lab.privateKey]) {
        expect(answers.join('\n')).not.toContain(key);
        expect(stack.logLines.slice(linesBefore).join('')).not.toContain(key);
        expect(slack.text()).not.toContain(key);
        expect(redis).not.toContain(key);
        expect(stack.sent.slice(sentBefore).join('\n')).not.toContain(key);
      }
      expect(stack.hubLines().join('\n')).not.toMatch(/peer p[1234] /);
    },
  );

  it(
    'is refused with the rule, from the slash command ' +
      'and from the form, and never reaches an SSH session',
    async () => {
      for (const payload of HOSTILE) {
        const { runId, reply } = await stack.vpn('U0ALICE', `add-peer ${payload}`);
        expect(runId, `${JSON.stringify(payload.slice(0, 20))} was accepted`).toBeUndefined();
        expect(reply.length).toBeLessThan(3000);
        const removed = await stack.vpn('U0BOB', `remove-peer ${payload}`);
        expect(removed.runId).toBeUndefined();
        const viewId = await openForm();
        const form = await stack.slack.submitView({
          user: 'U0ALICE',
          viewId,
          values: { [FIELDS.name]: payload, [FIELDS.kind]: 'wireguard' },
        });
        expect(form.responseAction).toBe('errors');
      }
      const pubkeyAttack = await stack.vpn('U0ALICE', "add-peer mallory --pubkey 'AAAA;reboot'");
      expect(pubkeyAttack.runId).toBeUndefined();
      const subnetAttack = await stack.vpn(
        'U0ALICE',
        'add-peer mallory ipsec --remote 198.51.100.9 --subnets 192.168.77.0/24;reboot',
      );
      expect(subnetAttack.runId).toBeUndefined();

      const everything = stack.sent.join('\n');
      for (const needle of [
        'reboot',
        '$(',
        'аlice',
        'al"ice',
        "al'ice",
        'x'.repeat(100),
        'mallory',
      ])
        expect(everything).not.toContain(needle);
      expect(stack.hubLines().join('\n')).not.toMatch(/reboot|mallory/);
    },
  );
});
