/**
 * `ssh-keyscan` for the one instance a scale-up launched: connect, read the host key the
 * server presents, and hang up before authenticating. This is trust on first use, and it is
 * only ever called for an instance found by this run's client token, whose address came from
 * EC2 a moment ago: nothing else is ever trusted this way. The key goes into the step result
 * and the final summary so the operator pins it in the inventory.
 */
import { RouterError } from '../errors.js';
import { keyLineOf } from '../vyos/check-host-key.js';
import { loadSsh2 } from '../vyos/load-ssh2.js';

/**
 * Why a new instance may not answer, in the order an operator checks: it did not boot, its
 * security group, or the workers cannot reach its private address at all (they dial it from
 * where they run: inside the VPC or over the VPN). The simulator is the usual case of the last
 * one: its instances answer on loopback, which a worker learns only from the world's control
 * URL, and without it every scale-up would roll back here with no word of why.
 */
function reachHint(host: string): string {
  return (
    'check that the new instance booted and its security group allows SSH from the workers, ' +
    `and that the workers can reach ${host} (they dial the private address from where they ` +
    'run); against `flatnet sim`, set FLATNET_SIM_CONTROL_URL to the control URL it prints'
  );
}

export async function scanHostKey(endpoint: {
  host: string;
  port: number;
  name?: string;
  timeoutMs?: number;
}): Promise<string> {
  const name = endpoint.name ?? `${endpoint.host}:${endpoint.port}`;
  const timeoutMs = endpoint.timeoutMs ?? 10_000;
  const { Client } = await loadSsh2();
  return new Promise<string>((resolve, reject) => {
    const client = new Client();
    let presented: Buffer | undefined;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      if (presented) resolve(keyLineOf(presented));
      else
        reject(
          err ??
            new RouterError(
              'ROUTER_UNREACHABLE',
              name,
              `${name} closed the connection before presenting a host key`,
              'check that sshd runs on the new instance',
            ),
        );
    };
    const timer = setTimeout(
      () =>
        finish(
          new RouterError(
            'ROUTER_UNREACHABLE',
            name,
            `${name} did not present an SSH host key within ${timeoutMs} ms`,
            reachHint(endpoint.host),
          ),
        ),
      timeoutMs,
    );
    client.on('error', (err) =>
      finish(
        presented
          ? undefined
          : new RouterError(
              'ROUTER_UNREACHABLE',
              name,
              `cannot read the host key of ${name}: ${err.message}`,
              reachHint(endpoint.host),
              { cause: err },
            ),
      ),
    );
    client.on('close', () => finish());
    client.connect({
      host: endpoint.host,
      port: endpoint.port,
      username: 'keyscan',
      readyTimeout: timeoutMs,
      // Refusing the key ends the handshake before any credential is offered.
      hostVerifier: (key: Buffer) => {
        presented = Buffer.from(key);
        return false;
      },
    });
  });
}
