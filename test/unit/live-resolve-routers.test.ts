import { describe, expect, it } from 'vitest';
import type { RouterInstance } from '../../src/aws/types.js';
import { endpointsFor, inventoryFor } from '../../src/live/apply-router-snapshot.js';
import { resolveRouters } from '../../src/live/resolve-routers.js';
import { memoryRouterFactsStore, type RouterFacts } from '../../src/scaleup/router-facts.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().build();
const hub = inventory.routers['hub-tokyo-a']!;
const NEW_ID = 'i-0abc1111def2222ab';
const facts: RouterFacts = {
  instanceId: NEW_ID,
  privateIp: '10.0.1.23',
  networkInterfaceId: 'eni-0abc1234',
  type: 'c5.xlarge',
  hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyOfTheNewInstance',
  sshHost: '10.0.1.23',
  sshPort: 22,
  replacedAt: 1,
  runId: 'r-7k2m9q',
  replaces: [hub.instanceId],
};

const instance = (id: string, name: string, state: RouterInstance['state']): RouterInstance => ({
  instanceId: id,
  region: hub.region,
  state,
  type: 'c5.large',
  imageId: 'ami-1',
  privateIp: '10.0.1.10',
  networkInterfaceId: `eni-${id.slice(2)}`,
  sourceDestCheck: false,
  tags: { Name: name },
  ...(state === 'running' ? { publicIp: '203.0.113.10' } : {}),
});

/** EC2 that knows these instances, and records what it was asked. */
function ec2(instances: RouterInstance[], fail?: string) {
  const asked: { region: string; names: string[]; instanceIds: string[] }[] = [];
  return {
    asked,
    findRouterInstances(region: string, query: { names: string[]; instanceIds: string[] }) {
      asked.push({ region, ...query });
      if (fail === region) return Promise.reject(new Error('RequestLimitExceeded'));
      return Promise.resolve(
        instances.filter(
          (i) =>
            i.region === region &&
            (query.names.includes(i.tags['Name'] ?? '') ||
              query.instanceIds.includes(i.instanceId)),
        ),
      );
    },
  };
}

describe('resolving a run’s routers', () => {
  it('takes the replacement from the router facts, its state and addresses from EC2', async () => {
    const store = memoryRouterFactsStore();
    await store.set('hub-tokyo-a', facts);
    const cloud = ec2([
      instance(hub.instanceId, 'hub-tokyo-a', 'stopped'),
      { ...instance(NEW_ID, 'hub-tokyo-a', 'running'), privateIp: '10.0.1.23' },
    ]);
    const snapshot = await resolveRouters({
      inventory,
      cloud,
      routerFacts: store,
      clock: () => 42,
      ec2TimeoutMs: 1000,
    });
    expect(snapshot).toMatchObject({ resolvedAt: 42, factsVersion: 1 });
    expect(snapshot.routers['hub-tokyo-a']).toMatchObject({
      instanceId: NEW_ID,
      state: 'running',
      privateIp: '10.0.1.23',
      publicIp: '203.0.113.10',
      source: 'replacement',
      replacedBy: 'r-7k2m9q',
      ssh: { host: '10.0.1.23', port: 22, hostKey: facts.hostKey },
    });
    // One question per region, naming every router of the region.
    const regions = new Set(Object.values(inventory.routers).map((r) => r.region));
    expect(cloud.asked).toHaveLength(regions.size);
    expect(cloud.asked.find((q) => q.region === hub.region)?.instanceIds).toContain(NEW_ID);

    const merged = inventoryFor(inventory, snapshot);
    expect(merged.routers['hub-tokyo-a']).toMatchObject({
      instanceId: NEW_ID,
      ssh: { host: '10.0.1.23', hostKey: facts.hostKey, privateKeyPath: hub.ssh.privateKeyPath },
    });
    expect(merged.routers['hub-tokyo-b']).toBe(inventory.routers['hub-tokyo-b']);
    const login = { host: 'x', port: 1, user: 'vyos', privateKey: 'KEY', hostKey: 'k' };
    expect(endpointsFor({ 'hub-tokyo-a': login }, snapshot)['hub-tokyo-a']).toEqual({
      ...login,
      host: '10.0.1.23',
      port: 22,
      hostKey: facts.hostKey,
    });
  });

  it(
    'says when the router it knows is stopped ' + 'and another instance runs with its name',
    async () => {
      const other = 'i-0fff2222aaaa3333b';
      const snapshot = await resolveRouters({
        inventory,
        cloud: ec2([
          instance(hub.instanceId, 'hub-tokyo-a', 'stopped'),
          instance(other, 'hub-tokyo-a', 'running'),
        ]),
        routerFacts: memoryRouterFactsStore(),
        clock: () => 1,
        ec2TimeoutMs: 1000,
      });
      // Never adopted (its host key is not pinned), only named.
      expect(snapshot.routers['hub-tokyo-a']).toMatchObject({
        instanceId: hub.instanceId,
        state: 'stopped',
        source: 'inventory',
      });
      expect(snapshot.problems.join('\n')).toContain(
        `hub-tokyo-a: ${hub.instanceId} (from routers.hub-tokyo-a.instanceId ` +
          `in the inventory) is stopped; ${other} runs with Name=hub-tokyo-a`,
      );
    },
  );

  it(
    'goes on without a region EC2 does not answer for, ' +
      'saying so; facts from another inventory do not apply',
    async () => {
      const store = memoryRouterFactsStore();
      await store.set('hub-tokyo-a', { ...facts, replaces: ['i-0fffffffffffffff1'] });
      const snapshot = await resolveRouters({
        inventory,
        cloud: ec2([], hub.region),
        routerFacts: store,
        clock: () => 1,
        ec2TimeoutMs: 1000,
      });
      expect(snapshot.routers['hub-tokyo-a']).toMatchObject({
        instanceId: hub.instanceId,
        state: 'unknown',
        source: 'inventory',
      });
      expect(snapshot.problems).toContain(
        `EC2 in ${hub.region} could not be read (RequestLimitExceeded): ` +
          'its routers are as flatnet last knew them',
      );
    },
  );
});
