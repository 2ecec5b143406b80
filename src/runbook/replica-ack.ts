/**
 * Redis replicates asynchronously: a write its master acknowledged can vanish with that master
 * in a failover (the promoted replica never had it). Replication is ordered, so what is lost is
 * always the last moments, never a hole in the middle: flatnet comes back to an earlier state
 * of itself, which its fences and idempotent steps handle. What no fence can take back is what
 * the world saw in those moments. So before an effect outside Redis that rests on a write —
 * telling Slack that Bob's approval counts, a run acting on a router under its lease, an
 * irreversible act after its step pointer moved — flatnet asks Redis with `WAIT` for a
 * replica to hold it (docs/redis-ha.md).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { clusterSlot } from '../util/cluster-slot.js';
import { isCluster, type RedisClient } from '../util/redis-client.js';

export interface ReplicaAck {
  /** How many replicas must hold the write (0: do not wait; one server has none). */
  replicas: number;
  /** How long to wait for them before going on with a warning. */
  timeoutMs: number;
}

export const NO_REPLICA_ACK: ReplicaAck = { replicas: 0, timeoutMs: 0 };

/** Waits until `replicas` replicas hold every write made so far on this connection. */
export type AwaitReplicas = (what: string, runId: string) => Promise<void>;

/**
 * `WAIT` counts the writes of the connection it is sent on. On a Cluster that is the node
 * holding `slotKey`'s slot (flatnet's keys share one): the node connection ioredis wrote with.
 */
function serverOf(redis: RedisClient, slotKey: string): Redis | undefined {
  if (!isCluster(redis)) return redis;
  const owner = redis.slots[clusterSlot(slotKey)]?.[0];
  return redis
    .nodes('master')
    .find((node) => `${node.options.host}:${node.options.port}` === owner);
}

export function awaitReplicasOn(
  redis: RedisClient,
  ack: ReplicaAck,
  slotKey: string,
  log: Logger,
): AwaitReplicas {
  if (ack.replicas <= 0) return () => Promise.resolve();
  return async (what, runId) => {
    const server = serverOf(redis, slotKey);
    const acked = server ? Number(await server.call('WAIT', ack.replicas, ack.timeoutMs)) : 0;
    if (acked >= ack.replicas) {
      // The count, for whoever debugs a slow decision: WAIT answers as soon as enough
      // replicas acknowledged (a healthy one within milliseconds), or at its timeout.
      log.debug(
        { runId, what, acked, wanted: ack.replicas },
        `Redis: ${what} of run ${runId} is on ${acked} replica(s)`,
      );
      return;
    }
    // Going on is the lesser risk: refusing would stop every run while a replica is down.
    log.warn(
      { runId, what, acked, wanted: ack.replicas, timeoutMs: ack.timeoutMs },
      `Redis: ${what} of run ${runId} is on ${acked} of ${ack.replicas} replica(s) after ` +
        `${ack.timeoutMs} ms; a failover now could lose it — check the replicas ` +
        '(`INFO replication`: connected_slaves, lag)',
    );
  };
}
