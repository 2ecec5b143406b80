/**
 * The simulator's side of "where does a freshly launched instance answer SSH": when a flatnet
 * process runs against `flatnet sim` (FLATNET_SIM_CONTROL_URL set), it asks the world's control
 * API, because every simulated router listens on loopback at its own port, not on its private
 * IP. The only place that reads FLATNET_SIM_CONTROL_URL; without it, production's default
 * (the private IP, port 22) stands.
 */
type Instance = { instanceId: string; privateIp?: string | undefined };
export type ReplacementSshResolver = (
  instance: Instance,
) => Promise<{ host: string; port: number }>;

/**
 * What a flatnet process pointed at `flatnet sim` needs that production does not; nothing when
 * FLATNET_SIM_CONTROL_URL is unset. The entry point (src/cli.ts) loads this and hands it to the
 * subcommand, so production code never imports the simulator.
 */
export function simRuntimeAdapters(env: NodeJS.ProcessEnv): {
  replacementSsh?: ReplacementSshResolver;
} {
  const replacementSsh = simReplacementSsh(env);
  return replacementSsh ? { replacementSsh } : {};
}

export function simReplacementSsh(env: NodeJS.ProcessEnv): ReplacementSshResolver | undefined {
  const control = env.FLATNET_SIM_CONTROL_URL;
  if (!control) return undefined;
  return async (instance) => {
    const res = await fetch(
      `${control.replace(/\/$/, '')}/ssh/` +
        encodeURIComponent(instance.privateIp ?? instance.instanceId),
    );
    if (!res.ok)
      throw new Error(
        `the simulator does not know where ${instance.instanceId} answers SSH (${res.status})`,
      );
    const body = (await res.json()) as { host: string; port: number };
    return { host: body.host, port: body.port };
  };
}
