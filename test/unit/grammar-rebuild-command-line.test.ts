/**
 * "Ask again with …" must be a line a person can paste: for every kind, the command rebuilt
 * from a run record parses again, and (where a planner exists) plans to the very same run.
 */
import { describe, expect, it } from 'vitest';
import { attachVpcPlanner } from '../../src/attach-vpc/attach-vpc-planner.js';
import type { Command } from '../../src/grammar/command.js';
import { parseCommand } from '../../src/grammar/parse-command.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { planAddPeer } from '../../src/onboarding/add-peer-request.js';
import type { PlannedRun } from '../../src/runbook/run-request.js';
import { scalePlanner } from '../../src/scaleup/scale-planner.js';
import { commandLineOf } from '../../src/slack/blocks/describe-run.js';
import { peersPlanner } from '../../jobs/peers.js';
import { removePeerPlanner } from '../../jobs/remove-peer.js';
import { reissuePeerPlanner } from '../../jobs/reissue-peer.js';
import { statusPlanner } from '../../jobs/status.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();
const KEY = 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=';

function parse(line: string): Command {
  const [slash, ...rest] = line.split(' ');
  const parsed = parseCommand(slash!, rest.join(' '));
  if (!parsed.ok) throw new Error(`${line}: ${parsed.message} (${parsed.hint})`);
  return parsed.command;
}

async function plan(line: string): Promise<PlannedRun> {
  const command = parse(line);
  const ctx = { inventory, requester: 'U0ALICE' };
  switch (command.kind) {
    case 'add-peer':
      return planAddPeer(command, inventory, 'U0ALICE');
    case 'remove-peer':
      return removePeerPlanner.plan(command, ctx);
    case 'attach-vpc':
      return attachVpcPlanner.plan(command, ctx);
    case 'scaleup':
      return scalePlanner('up').plan(command, ctx);
    case 'scaledown':
      return scalePlanner('down').plan(command, ctx);
    case 'peers':
      return peersPlanner.plan(command, ctx);
    case 'reissue-peer':
      return reissuePeerPlanner.plan(command, ctx);
    case 'status':
      return statusPlanner.plan(command, ctx);
    default:
      throw new Error(`no planner for ${command.kind}`);
  }
}

describe('rebuilding the command line of a run', () => {
  it.each([
    ['/vpn add-peer alice', '/vpn add-peer alice --router hub-tokyo-a'],
    [
      `/vpn add-peer alice --pubkey ${KEY} --dry-run`,
      `/vpn add-peer alice --pubkey ${KEY} --router hub-tokyo-a --dry-run`,
    ],
    [
      '/vpn add-peer osaka ipsec --remote 198.51.100.77 ' +
        '--subnets 172.20.0.0/16,172.21.0.0/16 --bgp 65100',
      '/vpn add-peer osaka ipsec --remote 198.51.100.77 --subnets ' +
        '172.20.0.0/16,172.21.0.0/16 --bgp 65100 --mode route --router hub-tokyo-a',
    ],
    [
      '/vpn add-peer office ipsec --remote 192.0.2.50 ' +
        '--subnets 172.16.0.0/16 --mode policy --dry-run',
      '/vpn add-peer office ipsec --remote 192.0.2.50 --subnets ' +
        '172.16.0.0/16 --mode policy --router hub-tokyo-a --dry-run',
    ],
    ['/vpn remove-peer osaka --dry-run', '/vpn remove-peer osaka --router hub-tokyo-a --dry-run'],
    ['/vpn reissue-peer alice', '/vpn reissue-peer alice --router hub-tokyo-a'],
    [
      '/vpn attach-vpc vpc-0a1b2c3d4e5f60101 --region us-east-1',
      '/vpn attach-vpc vpc-0a1b2c3d4e5f60101 --region us-east-1',
    ],
    [
      '/vpn attach-vpc vgw-0a1b2c3d4e5f60101 --region us-east-1 --dry-run',
      '/vpn attach-vpc vgw-0a1b2c3d4e5f60101 --region us-east-1 --dry-run',
    ],
    [
      '/router scaleup hub-tokyo-a --type c5.xlarge',
      '/router scaleup hub-tokyo-a --type c5.xlarge',
    ],
    ['/router scaleup hub-tokyo-a --dry-run', '/router scaleup hub-tokyo-a --dry-run'],
    [
      '/router scaledown hub-tokyo-a --type t3.medium --dry-run',
      '/router scaledown hub-tokyo-a --type t3.medium --dry-run',
    ],
    ['/vpn peers', '/vpn peers'],
    ['/vpn peers --router hub-tokyo-a', '/vpn peers --router hub-tokyo-a'],
    ['/vpn status', '/vpn status'],
    ['/vpn status us-east-1', '/vpn status us-east-1'],
  ])('%s → %s, which plans to the same run', async (typed, expected) => {
    const run = await plan(typed);
    const line = rebuildCommandLine(run);
    expect(line).toBe(expected);
    expect(await plan(line)).toEqual(run);
    // Both front ends use this one rebuild (the engine is given rebuildCommandLine).
    expect(rebuildCommandLine(run)).toBe(line);
    expect(commandLineOf(run)).toBe(line);
  });

  it.each([
    [
      { kind: 'failover' as const, target: 'hub-tokyo-a', params: {}, dryRun: true },
      '/router failover hub-tokyo-a --dry-run',
      { kind: 'failover', router: 'hub-tokyo-a', dryRun: true },
    ],
    [
      { kind: 'failback' as const, target: 'hub-tokyo-a', params: {}, dryRun: false },
      '/router failback hub-tokyo-a',
      { kind: 'failback', router: 'hub-tokyo-a', dryRun: false },
    ],
    [
      { kind: 'router-status' as const, target: 'spoke-virginia', params: {}, dryRun: false },
      '/router status spoke-virginia',
      { kind: 'router-status', router: 'spoke-virginia' },
    ],
    [
      { kind: 'history' as const, target: 'hub-tokyo-a', params: {}, dryRun: false },
      '/router history hub-tokyo-a',
      { kind: 'history', router: 'hub-tokyo-a' },
    ],
  ])('rebuilds %j as a line the grammar reads back', (run, expected, command) => {
    expect(rebuildCommandLine(run)).toBe(expected);
    expect(parse(expected)).toEqual(command);
  });

  it('echoes only the options the kind has, never stray parameters', () => {
    const run = {
      kind: 'scaleup' as const,
      target: 'hub-tokyo-a',
      params: { type: 'c5.xlarge', note: 'x', tags: ['a'] },
      dryRun: false,
    };
    expect(rebuildCommandLine(run)).toBe('/router scaleup hub-tokyo-a --type c5.xlarge');
    // A numeric ASN and a list of subnets come back as the grammar writes them.
    const site = {
      kind: 'add-peer' as const,
      target: 'osaka',
      params: {
        router: 'hub-tokyo-a',
        remote: '198.51.100.77',
        subnets: ['10.1.0.0/16', '10.2.0.0/16'],
        bgp: 65100,
      },
    };
    expect(rebuildCommandLine(site)).toBe(
      '/vpn add-peer osaka ipsec --remote 198.51.100.77 --subnets ' +
        '10.1.0.0/16,10.2.0.0/16 --bgp 65100 --router hub-tokyo-a',
    );
  });
});
