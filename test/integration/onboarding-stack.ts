/**
 * The onboarding tests' stack: the simulated world, the local Slack, and the real bot in HTTP
 * mode with in-process workers, whose router pool records every line sent into an SSH
 * session (to prove hostile input never reaches one) and whose logs are captured (to prove no
 * key reaches a log).
 */
import type { Inventory } from '../../src/config/inventory-schema.js';
import type { SlackEmulator } from '../../src/sim/slack/start-slack-emulator.js';
import type { World, WorldOptions } from '../../src/sim/world/start-world.js';
import { openRouterSession, type CommandResult } from '../../src/vyos/open-router-session.js';
import { createRouterPool } from '../../src/vyos/router-pool.js';
import { routerEndpoints } from '../../src/wiring/connect-to-network.js';
import type { BotHandle } from '../../src/wiring/start-bot.js';
import type { Run } from '../../src/runbook/types.js';
import { startLocalStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import { settledAnswer } from '../helpers/slash-answer.js';

export interface OnboardingStack {
  world: World;
  slack: SlackEmulator;
  bot: BotHandle;
  prefix: string;
  logLines: string[];
  /** Every command text sent into any router session, in order. */
  sent: string[];
  /**
   * Slash command as `user` in #netops; returns the started run (or the refusal text), once
   * the answer settled (a key check answers after the ack).
   */
  vpn(user: string, text: string): Promise<{ runId?: string; reply: string }>;
  /**
   * Until the run reaches one of `statuses` (default: any end). `withinMs` (default 30 s) only
   * catches a run that is stuck: it is no verdict on speed.
   */
  waitForRun(runId: string, statuses?: Run['status'][], withinMs?: number): Promise<Run>;
  /**
   * A slash command as Alice that must succeed: approved by Bob when the policy asks, waited
   * for until it ends and its lease on the target is released.
   */
  succeed(command: '/vpn' | '/router', text: string): Promise<Run>;
  hubLines(): string[];
  /** Faults the router sessions show the runs, switched on and off by a test. */
  faults: {
    summaryWithoutPeers: boolean;
    /** Routers whose next `show configuration commands` fails (once each). */
    configReadFails: Set<string>;
  };
  close(): Promise<void>;
}

export const CHANNEL = 'C0NETOPS';

export async function startOnboardingStack(
  worldOptions: Partial<WorldOptions> = {},
  inventory?: (inventory: Inventory) => void,
): Promise<OnboardingStack> {
  const sent: string[] = [];
  const faults: OnboardingStack['faults'] = {
    summaryWithoutPeers: false,
    configReadFails: new Set(),
  };
  // A WireGuard summary without its peers: the add-peer's verification fails.
  const withFaults = (command: string, result: CommandResult): CommandResult =>
    faults.summaryWithoutPeers && /^show interfaces wireguard /.test(command)
      ? { ...result, output: result.output.replace(/\npeer:[\s\S]*$/, '\n') }
      : result;
  // A configuration read that fails once, as a router that does not answer.
  const failConfigRead = (command: string, name: string): void => {
    if (command === 'show configuration commands' && faults.configReadFails.delete(name))
      throw new Error(`${name} did not answer (a test fault)`);
  };
  const stack = await startLocalStack({
    label: 'onb',
    ...(inventory ? { inventory } : {}),
    world: worldOptions,
    workerConcurrency: 8,
    routers: (loaded, logger) =>
      createRouterPool({
        routers: routerEndpoints(loaded),
        logger,
        connectTimeoutMs: 5000,
        commandTimeoutMs: 20000,
        openSession: async (options) => {
          const session = await openRouterSession(options);
          return {
            get name() {
              return session.name;
            },
            get isOpen() {
              return session.isOpen;
            },
            get mode() {
              return session.mode;
            },
            async send(command, timeoutMs) {
              sent.push(command.text);
              failConfigRead(command.text, session.name);
              return withFaults(command.text, await session.send(command, timeoutMs));
            },
            async sendAll(commands, timeoutMs) {
              sent.push(...commands.map((c) => c.text));
              for (const c of commands) failConfigRead(c.text, session.name);
              const results = await session.sendAll(commands, timeoutMs);
              return results.map((r, i) => withFaults(commands[i]!.text, r));
            },
            close: () => session.close(),
          };
        },
      }),
  });
  const { world, slack, bot } = stack;
  const engine = bot.runtime.engine;
  const self: OnboardingStack = {
    ...stack,
    sent,
    faults,
    async vpn(user, text) {
      const reply = await slack.slashCommand({ user, channel: CHANNEL, command: '/vpn', text });
      const body = await settledAnswer(slack.store, user, reply);
      const runId = /Started (r-[a-z0-9]{6})/.exec(body)?.[1];
      return { reply: body, ...(runId ? { runId } : {}) };
    },
    async waitForRun(
      runId,
      statuses = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired', 'cancelled'],
      withinMs = 30_000,
    ) {
      const until = Date.now() + withinMs;
      for (;;) {
        const run = await engine.get(runId);
        if (run && statuses.includes(run.status)) return run;
        if (Date.now() > until)
          throw new Error(`run ${runId} did not reach ${statuses.join('/')} (now ${run?.status})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async succeed(command, text) {
      const reply = await slack.slashCommand({ user: 'U0ALICE', channel: CHANNEL, command, text });
      const said = await settledAnswer(slack.store, 'U0ALICE', reply);
      const runId = /Started (r-[a-z0-9]{6})/.exec(said)?.[1];
      if (!runId) throw new Error(`${command} ${text} started no run: ${said}`);
      const planned = await self.waitForRun(runId, [
        'awaiting-approval',
        'succeeded',
        'failed',
        'rolled-back',
      ]);
      if (planned.status === 'awaiting-approval') {
        const decided = await engine.decide(runId, 'U0BOB', 'approve');
        if (!decided.ok) throw new Error(`Bob could not approve ${runId}: ${decided.message}`);
      }
      const run = await self.waitForRun(runId);
      if (run.status !== 'succeeded')
        throw new Error(
          `${command} ${text}: ${run.status}: ${run.outcome ?? ''} ${run.error ?? ''}`,
        );
      await waitFor(async () => (await engine.whoHolds(run.target)) === undefined, 'the lease');
      return run;
    },
    hubLines: () => world.router('hub-tokyo-a').handle.router.activeLines(),
  };
  return self;
}

/**
 * A device already a peer on spoke-oregon (written on the router by hand, as flatnet never
 * saw it): its key pair.
 */
export function deviceOnOregon(stack: OnboardingStack, peer: string, address: string) {
  const pair = generateWireguardKeyPair();
  const oregon = stack.world.router('spoke-oregon').handle.router;
  const path = ['interfaces', 'wireguard', 'wg7', 'peer', peer];
  for (const [leaf, value] of [
    ['public-key', pair.publicKey],
    ['allowed-ips', address],
  ] as const)
    if (oregon.active.set([...path, leaf, value]).failed)
      throw new Error(`spoke-oregon refused ${peer}'s ${leaf}`);
  return pair;
}
