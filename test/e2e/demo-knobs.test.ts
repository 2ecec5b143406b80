/**
 * The demo page's "break things" panel (issue 12 item 7) in headless Chromium: beside the
 * channel, it drives the simulated world through its control API (relayed by the Slack
 * emulator at /control/*): a router's load, a tunnel forced down, a router stopped, EC2 slowed
 * and failing. Each click is checked in the world itself, not on the page. Without a world
 * behind the emulator the panel is not shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import { describeWorld } from '../../src/sim/world/describe-world.js';
import { startWorld, type World } from '../../src/sim/world/start-world.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import { waitFor } from '../helpers/wait-for.js';

const ROUTER = 'spoke-oregon';

let browser: Browser;
let world: World;
let control: ControlServer;
let slack: SlackEmulator;
let page: Page;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium('The demo knobs test');
  dir = mkdtempSync(join(tmpdir(), 'flatnet-knobs-'));
  world = await startWorld({ dir, bootMs: 200, tunnelUpMs: 50 });
  control = await startControlServer(world);
  slack = await startSlackEmulator({ signingSecret: 'knobs-secret', botToken: 'xoxb-knobs' });
  slack.setControlUrl(control.url);
  page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  page.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await slack?.close();
  await control?.close();
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function turn(knob: string, says: string): Promise<void> {
  await page.getByTestId(`knob-${knob}`).click();
  await page.getByTestId('knob-result').filter({ hasText: says }).waitFor();
}

const view = () => describeWorld(world).routers.find((r) => r.name === ROUTER)!;

describe('the demo page knobs', () => {
  it('breaks the world from the panel beside the channel', async () => {
    await page.goto(`${slack.url}?user=U0ALICE`);
    await page.locator('body[data-ready="true"]').waitFor();
    const panel = page.getByTestId('knobs-panel');
    expect(await panel.isVisible()).toBe(true);
    // Beside the channel, not over it.
    const channel = await page.getByTestId('message-list').boundingBox();
    const knobs = await panel.boundingBox();
    expect(knobs!.x).toBeGreaterThanOrEqual(channel!.x + channel!.width - 1);

    await page.getByTestId('knob-router').selectOption(ROUTER);
    await turn('load-high', `${ROUTER} load 3.5 / 3.2 / 2.6`);
    expect(view().load).toEqual([3.5, 3.2, 2.6]);

    await page.getByTestId('knob-tunnel').selectOption('hub');
    await turn('tunnel-down', `tunnel hub on ${ROUTER} forced down`);
    expect(view().tunnels.find((t) => t.peer === 'hub')?.up).toBe(false);

    await turn('ec2-slow', 'EC2 answers after 3 s');
    expect(world.state.latencyMs).toBe(3000);
    await turn('ec2-fast', 'EC2 answers at once');
    expect(world.state.latencyMs).toBe(0);
    await turn('ec2-fail', 'the next 5 EC2 calls fail');
    expect(world.state.faults.remaining).toBe(5);
    await turn('ec2-heal', 'EC2 faults cleared');
    expect(world.state.faults.remaining).toBe(0);

    await turn('router-down', `${ROUTER} stopped`);
    await waitFor(() => view().instanceState === 'stopped', 'EC2 to stop the router');
    expect(view().power).not.toBe('on');
  });

  it('shows no panel when the emulator has no world behind it', async () => {
    slack.setControlUrl(undefined);
    await page.goto(`${slack.url}?user=U0ALICE`);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.getByTestId('knobs-panel').isVisible()).toBe(false);
    const answer = await page.evaluate(async () => (await fetch('/control/state')).status);
    expect(answer).toBe(404);
  });
});
