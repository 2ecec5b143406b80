import { describe, expect, it } from 'vitest';
import type { RouterInstance } from '../../src/aws/types.js';
import { RouterError } from '../../src/errors.js';
import {
  reachStandby,
  standbyWarning,
  type StandbyDeps,
} from '../../src/onboarding/reach-standby.js';
import type { RouterClient } from '../../src/vyos/router-client.js';
import type { ConfigLine } from '../../src/vyos/types.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();
const LINES: ConfigLine[] = [
  { op: 'set', path: ['interfaces', 'ethernet', 'eth0', 'address'], value: 'dhcp' },
];

function deps(o: {
  state?: RouterInstance['state'];
  ec2Fails?: boolean;
  sshFails?: boolean;
  asked?: string[];
}): StandbyDeps {
  return {
    inventory,
    cloud: {
      async describeInstance(region, instanceId) {
        if (o.ec2Fails) throw new Error('RequestLimitExceeded');
        return {
          instanceId,
          region,
          state: o.state ?? 'running',
          type: 'c5.large',
          imageId: 'ami-1',
          privateIp: '10.0.1.11',
          networkInterfaceId: 'eni-b',
          sourceDestCheck: false,
          tags: {},
        };
      },
    },
    routers: {
      router(name) {
        o.asked?.push(name);
        return {
          name,
          async runningConfig() {
            if (o.sshFails)
              throw new RouterError(
                'ROUTER_UNREACHABLE',
                name,
                `${name}: connection refused`,
                'check sshd',
              );
            return LINES;
          },
        } as Pick<RouterClient, 'name' | 'runningConfig'> as RouterClient;
      },
    },
  };
}

describe('reachStandby', () => {
  it('a router without a standby has none; a spoke neither', async () => {
    expect(await reachStandby(deps({}), 'hub-tokyo-b')).toEqual({ kind: 'none' });
    const spoke = Object.keys(inventory.routers).find(
      (n) => inventory.routers[n]!.role === 'spoke',
    )!;
    expect(await reachStandby(deps({}), spoke)).toEqual({ kind: 'none' });
  });

  it(
    'a running standby that answers: its private ' + 'address from EC2 and its running config',
    async () => {
      expect(await reachStandby(deps({}), 'hub-tokyo-a')).toEqual({
        kind: 'ready',
        name: 'hub-tokyo-b',
        privateIp: '10.0.1.11',
        lines: LINES,
      });
    },
  );

  it(
    'a stopped standby is unavailable without an SSH attempt; ' +
      'EC2 and SSH failures are unavailable with the reason',
    async () => {
      const asked: string[] = [];
      const stopped = await reachStandby(deps({ state: 'stopped', asked }), 'hub-tokyo-a');
      expect(stopped).toMatchObject({ kind: 'unavailable', name: 'hub-tokyo-b' });
      expect(stopped.kind === 'unavailable' && stopped.reason).toMatch(
        /^hub-tokyo-b \(i-\w+\) is stopped$/,
      );
      expect(asked).toEqual([]);
      const ec2 = await reachStandby(deps({ ec2Fails: true }), 'hub-tokyo-a');
      expect(ec2.kind === 'unavailable' && ec2.reason).toBe(
        'EC2 could not describe hub-tokyo-b (RequestLimitExceeded)',
      );
      const ssh = await reachStandby(deps({ sshFails: true }), 'hub-tokyo-a');
      expect(ssh.kind === 'unavailable' && ssh.reason).toBe(
        'hub-tokyo-b does not answer over SSH (hub-tokyo-b: connection refused)',
      );
    },
  );
});

describe('standbyWarning', () => {
  it(
    'is empty when the standby was updated or there is none, and names ' +
      'the standby, the reason, the consequence and the fix otherwise',
    () => {
      expect(standbyWarning(undefined, 'x', 'y')).toBe('');
      expect(
        standbyWarning(
          { standby: 'hub-tokyo-b', applied: true, notUpdated: null, privateIp: '10.0.1.11' },
          'x',
          'y',
        ),
      ).toBe('');
      expect(
        standbyWarning(
          { standby: null, applied: false, notUpdated: null, privateIp: null },
          'x',
          'y',
        ),
      ).toBe('');
      expect(
        standbyWarning(
          {
            standby: 'hub-tokyo-b',
            applied: false,
            notUpdated: 'hub-tokyo-b (i-1) is stopped',
            privateIp: null,
          },
          'a failover would drop office2',
          'copy it',
        ),
      ).toBe(
        'WARNING: the standby hub-tokyo-b was not updated (hub-tokyo-b ' +
          '(i-1) is stopped): a failover would drop office2 until you copy it.',
      );
    },
  );
});
