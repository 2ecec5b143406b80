import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { inventoryLinesFor, mergeRouterFacts } from '../../src/scaleup/merge-router-facts.js';
import { createRouterFactsStore, type RouterFacts } from '../../src/scaleup/router-facts.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { anInventory } from '../support/inventory-builder.js';

const facts: RouterFacts = {
  instanceId: 'i-0abc1111def2222ab',
  privateIp: '10.0.1.23',
  networkInterfaceId: 'eni-0abc1234',
  type: 'c5.xlarge',
  hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyOfTheNewInstance',
  sshHost: '10.0.1.23',
  sshPort: 22,
  replacedAt: 1_790_000_000_000,
  runId: 'r-7k2m9q',
  // The example inventory's hub-tokyo-a, which this replacement stopped.
  replaces: ['i-0a1b2c3d4e5f00001'],
};

describe('router facts', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('facts');
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  it(
    'stores, reads back and lists what a replacement ' + 'taught flatnet; ignores a damaged record',
    async () => {
      const store = createRouterFactsStore(redis, prefix);
      expect(await store.get('hub-tokyo-a')).toBeUndefined();
      await store.set('hub-tokyo-a', facts);
      expect(await store.get('hub-tokyo-a')).toEqual(facts);
      await redis.hset(`${prefix}:router-facts`, 'hub-tokyo-b', '{"instanceId": 42');
      expect(await store.get('hub-tokyo-b')).toBeUndefined();
      expect(await store.all()).toEqual({ 'hub-tokyo-a': facts });
    },
  );

  it('refuses to store a record that is not facts (no free-form data in Redis)', async () => {
    const store = createRouterFactsStore(redis, prefix);
    await expect(store.set('hub-tokyo-a', { ...facts, hostKey: 'not a key' })).rejects.toThrow();
  });

  it(
    'merges over the inventory so the pool reaches ' +
      'the new instance, and says which lines to update',
    () => {
      const inventory = anInventory().withStandby('hub-tokyo-b').build();
      const merged = mergeRouterFacts(inventory, { 'hub-tokyo-a': facts });
      expect(merged.routers['hub-tokyo-a']).toMatchObject({
        instanceId: facts.instanceId,
        ssh: { host: '10.0.1.23', port: 22, hostKey: facts.hostKey },
      });
      expect(merged.routers['hub-tokyo-a']?.ssh.privateKeyPath).toBe(
        inventory.routers['hub-tokyo-a']?.ssh.privateKeyPath,
      );
      expect(merged.routers['hub-tokyo-b']).toBe(inventory.routers['hub-tokyo-b']);
      expect(inventory.routers['hub-tokyo-a']?.instanceId).not.toBe(facts.instanceId);
      expect(inventoryLinesFor('hub-tokyo-a', facts)).toContain(
        `routers.hub-tokyo-a.ssh.hostKey: '${facts.hostKey}'`,
      );
    },
  );

  it(
    "ignores facts about another inventory's router of " +
      'the same name (a rebuilt simulator, another account)',
    () => {
      const inventory = anInventory().withStandby('hub-tokyo-b').build();
      const stranger = { ...facts, replaces: ['i-0fffffffffffffff1'] };
      expect(mergeRouterFacts(inventory, { 'hub-tokyo-a': stranger }).routers['hub-tokyo-a']).toBe(
        inventory.routers['hub-tokyo-a'],
      );
      // Once the operator pinned the new instance in the file, the facts agree with it.
      const updated = {
        ...inventory,
        routers: {
          ...inventory.routers,
          'hub-tokyo-a': { ...inventory.routers['hub-tokyo-a']!, instanceId: facts.instanceId },
        },
      };
      expect(
        mergeRouterFacts(updated, { 'hub-tokyo-a': stranger }).routers['hub-tokyo-a']?.ssh.host,
      ).toBe('10.0.1.23');
    },
  );
});
