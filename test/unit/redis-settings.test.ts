/**
 * Where Redis is, read from the environment (issue 17 §1): one server, Sentinel or Cluster,
 * and every refusal names the variable and the fix without echoing a password.
 */
import { describe, expect, it } from 'vitest';
import { redisSetting, parseHostPorts } from '../../src/cli/redis-settings.js';
import { SettingError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { choosePrefix, describeRedisTarget } from '../../src/queue/redis-target.js';

function refusal(env: NodeJS.ProcessEnv): SettingError {
  try {
    redisSetting(env);
  } catch (err) {
    if (err instanceof SettingError) return err;
    throw err;
  }
  throw new Error(`expected a refusal for ${JSON.stringify(env)}`);
}

describe('redis settings', () => {
  it('defaults to the local server and keeps a URL as it is', () => {
    expect(redisSetting({})).toBe('redis://127.0.0.1:6379');
    expect(redisSetting({ REDIS_URL: 'rediss://u:p@cache:6380' })).toBe('rediss://u:p@cache:6380');
  });

  it('reads Sentinel: the sentinels, the master name, both passwords and TLS', () => {
    expect(
      redisSetting({
        REDIS_SENTINELS: '10.0.0.5:26379, sentinel-b ,[fd00::7]:26380',
        REDIS_SENTINEL_NAME: 'flatnet',
        REDIS_PASSWORD: 'master-secret',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_TLS: 'true',
      }),
    ).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
        { host: 'fd00::7', port: 26380 },
      ],
      name: 'flatnet',
      password: 'master-secret',
      sentinelPassword: 'sentinel-secret',
      tls: true,
    });
  });

  it('reads Cluster nodes, a bare host on 6379', () => {
    expect(redisSetting({ REDIS_CLUSTER_NODES: 'a:7000,b', REDIS_TLS: 'no' })).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 6379 },
      ],
      tls: false,
    });
  });

  it.each([
    [
      { REDIS_URL: 'redis://x', REDIS_SENTINELS: 'a:26379' },
      'REDIS_URL and REDIS_SENTINELS: are both set',
      /unset the others/,
    ],
    [
      { REDIS_SENTINELS: 'a:26379,b:26379' },
      'REDIS_SENTINEL_NAME: is missing',
      /sentinel monitor <name>/,
    ],
    [{ REDIS_SENTINELS: 'a:26379,,b' }, 'REDIS_SENTINELS: has an empty entry', /10\.0\.0\.5/],
    [
      { REDIS_CLUSTER_NODES: 'a:99999' },
      'REDIS_CLUSTER_NODES: "a:99999" is not host:port',
      /:6379/,
    ],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, 'REDIS_SENTINEL_NAME: only apply', /REDIS_SENTINELS=/],
    [{ REDIS_PASSWORD: 'hunter2' }, 'REDIS_PASSWORD: only apply', /put them in the URL/],
    [
      { REDIS_CLUSTER_NODES: 'a:7000', REDIS_TLS: 'maybe' },
      'REDIS_TLS: "maybe" is not a yes or no',
      /true or false/,
    ],
  ])('refuses %j, naming the variable and the fix', (env, message, fix) => {
    const err = refusal(env);
    expect(err.message.startsWith(message)).toBe(true);
    expect(err.hint).toMatch(fix);
    expect(err.exitCode).toBe(EXIT.redisUrl);
  });

  it('never echoes a password, in a refusal or a description', () => {
    const err = refusal({ REDIS_URL: 'garb:age:hunter2@', REDIS_SENTINELS: 'a' });
    expect(err.forHumans).not.toContain('hunter2');
    const target = redisSetting({
      REDIS_SENTINELS: 'a',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_PASSWORD: 'hunter2',
    });
    expect(describeRedisTarget(target)).toBe('the Redis master "m" of the sentinels a:26379');
    expect(describeRedisTarget('redis://:hunter2@h:1')).toBe('Redis at redis://:***@h:1');
  });

  it('parses host lists strictly', () => {
    expect(parseHostPorts('X', 'h:1', 9)).toEqual([{ host: 'h', port: 1 }]);
    expect(() => parseHostPorts('X', 'h:1:2', 9)).toThrow(/not host:port/);
    expect(() => parseHostPorts('X', 'h;rm -rf', 9)).toThrow(/not host:port/);
  });

  it('keeps every key of a Cluster in one slot: a hash-tagged prefix, or a refusal', () => {
    const cluster = redisSetting({ REDIS_CLUSTER_NODES: 'a:7000' });
    expect(choosePrefix(cluster, undefined)).toBe('{flatnet}');
    expect(choosePrefix(cluster, '{team-a}')).toBe('{team-a}');
    expect(() => choosePrefix(cluster, 'team-a')).toThrow(
      /FLATNET_REDIS_PREFIX: "team-a" spreads flatnet's keys over the cluster's slots/,
    );
    expect(choosePrefix('redis://h', undefined)).toBe('flatnet');
  });
});
