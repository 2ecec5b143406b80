/**
 * What runbooks call to read and change one router. Every method goes through a session
 * runner (the pool's per-router queue), so two runbooks never interleave on one shell.
 */
import { FlatnetError, RouterError } from '../errors.js';
import type { Logger } from '../log.js';
import { applyConfigLines, type ApplyOptions, type ApplyResult } from './apply-config.js';
import type { RouterSession } from './open-router-session.js';
import { parseBgpSummary } from './parse-bgp-summary.js';
import { parseConfigCommands } from './parse-config-commands.js';
import { parseIpRoute } from './parse-ip-route.js';
import { parseIpsecSa } from './parse-ipsec-sa.js';
import { parseLoadavg } from './parse-loadavg.js';
import { parseSystemUptime } from './parse-system-uptime.js';
import { parseProcUptime, parseTcClasses } from './parse-tc-classes.js';
import { parseWireguardSummary } from './parse-wireguard-summary.js';
import { redactSecrets } from './redact-secrets.js';
import { RouterCommand } from './router-command.js';
import type {
  BgpSummary,
  ConfigLine,
  IpRoute,
  IpsecSa,
  IpsecSaReport,
  LoadAverage,
  ShaperClass,
  ShaperSample,
  SystemUptime,
  WireguardStatus,
} from './types.js';

export type { ApplyOptions, ApplyResult } from './apply-config.js';

/** What `readAtOnce` asks for: each part one op-mode command, all typed in one write. */
export interface RouterReadRequest {
  config?: boolean;
  sas?: boolean;
  routes?: boolean;
  bgp?: boolean;
  load?: boolean;
  /** WireGuard interfaces whose summary to read. */
  wireguard?: readonly string[];
  /**
   * WireGuard interfaces that may be gone (guessed from an earlier reading): wg's `No such
   * device` answer reads as nothing instead of an unreadable output.
   */
  wireguardIfAny?: readonly string[];
  /** Interfaces whose shaper counters to read, timed by `/proc/uptime` read right after. */
  shapers?: readonly string[];
}

export interface RouterReadResult {
  config?: ConfigLine[];
  sas?: IpsecSaReport;
  routes?: IpRoute[];
  bgp?: BgpSummary | null;
  load?: LoadAverage;
  wireguard: WireguardStatus[];
  shapers?: ShaperSample[];
}

export interface RouterClient {
  readonly name: string;
  /**
   * Several reads in one round trip: the commands typed ahead on the router's session, each
   * output parsed as its own method would (`/vpn status` reads a router with one of these).
   */
  readAtOnce(request: RouterReadRequest): Promise<RouterReadResult>;
  ipsecSas(): Promise<IpsecSa[]>;
  /** The SAs plus whether strongSwan runs at all. */
  ipsecReport(): Promise<IpsecSaReport>;
  wireguard(iface?: string): Promise<WireguardStatus>;
  /** null when BGP is not configured on the router. */
  bgpSummary(): Promise<BgpSummary | null>;
  /** The routes the router forwards by (`show ip route`, selected and installed). */
  ipRoutes(): Promise<IpRoute[]>;
  /** Raw load averages from /proc/loadavg (what the scale-up threshold compares). */
  loadAverage(): Promise<LoadAverage>;
  uptime(): Promise<SystemUptime>;
  runningConfig(): Promise<ConfigLine[]>;
  /** 1.4+: `reset vpn ipsec site-to-site all`, else `restart ipsec`; 1.3: `restart vpn`. */
  resetIpsec(): Promise<void>;
  applyConfig(lines: ConfigLine[], options?: ApplyOptions<RouterClient>): Promise<ApplyResult>;
}

/**
 * Runs work on the router's session, one at a time. `idempotent` work may be retried once on a
 * fresh session after a drop.
 */
export type SessionRunner = <T>(
  work: (session: RouterSession) => Promise<T>,
  options: { idempotent: boolean },
) => Promise<T>;

export interface RouterClientOptions {
  logger?: Logger;
  lockRetryDelaysMs?: number[];
}

/** wg(8) on an interface that does not exist: `Unable to access interface: No such device`. */
const NO_SUCH_DEVICE = /^Unable to access interface: No such device\s*$/;

export function createRouterClient(
  name: string,
  runOnSession: SessionRunner,
  options: RouterClientOptions = {},
): RouterClient {
  const query = async <T>(command: RouterCommand, parse: (output: string) => T): Promise<T> => {
    const { output } = await runOnSession((s) => s.send(command), { idempotent: true });
    return parseOutput(command, output, parse);
  };
  const parseOutput = <T>(command: RouterCommand, output: string, parse: (out: string) => T): T => {
    try {
      return parse(output);
    } catch (err) {
      if (err instanceof FlatnetError)
        throw new RouterError('ROUTER_COMMAND', name, `${name}: ${err.message}`, err.hint, {
          cause: err,
        });
      throw new RouterError(
        'ROUTER_COMMAND',
        name,
        `${name}: could not read the output of \`${command.text}\``,
        'report this with the router output',
        { cause: err },
      );
    }
  };

  const readAtOnce = async (request: RouterReadRequest): Promise<RouterReadResult> => {
    const reads: { command: RouterCommand; keep(output: string): void }[] = [];
    const result: RouterReadResult = { wireguard: [] };
    const ask = <T>(command: RouterCommand, parse: (out: string) => T, put: (v: T) => void) =>
      reads.push({ command, keep: (output) => put(parseOutput(command, output, parse)) });
    if (request.config)
      ask(RouterCommand.op('configCommands'), parseConfigCommands, (v) => (result.config = v));
    if (request.sas) ask(RouterCommand.op('ipsecSa'), parseIpsecSa, (v) => (result.sas = v));
    if (request.routes) ask(RouterCommand.op('ipRoute'), parseIpRoute, (v) => (result.routes = v));
    if (request.bgp) ask(RouterCommand.op('bgpSummary'), parseBgpSummary, (v) => (result.bgp = v));
    if (request.load) ask(RouterCommand.op('loadavg'), parseLoadavg, (v) => (result.load = v));
    for (const iface of request.wireguard ?? [])
      ask(
        RouterCommand.wireguardSummary(iface),
        (out) => parseWireguardSummary(out, iface),
        (v) => result.wireguard.push(v),
      );
    for (const iface of request.wireguardIfAny ?? [])
      ask(
        RouterCommand.wireguardSummary(iface),
        (out) => (NO_SUCH_DEVICE.test(out) ? undefined : parseWireguardSummary(out, iface)),
        (v) => v && result.wireguard.push(v),
      );
    const shaped: { iface: string; classes: ShaperClass[]; error?: string }[] = [];
    for (const iface of request.shapers ?? []) {
      const command = RouterCommand.shaperClasses(iface);
      // Counters a router cannot give spoil only themselves, not the router's status.
      reads.push({
        command,
        keep(output) {
          try {
            shaped.push({ iface, classes: parseOutput(command, output, parseTcClasses) });
          } catch (err) {
            shaped.push({ iface, classes: [], error: (err as Error).message });
          }
        },
      });
    }
    // The clock after the counters, in the same exchange: they are a few ms apart at most.
    if ((request.shapers?.length ?? 0) > 0)
      ask(RouterCommand.op('procUptime'), parseProcUptime, (uptimeSeconds) => {
        result.shapers = shaped.map((s) => ({ ...s, uptimeSeconds }));
      });
    const answers = await runOnSession((s) => s.sendAll(reads.map((r) => r.command)), {
      idempotent: true,
    });
    reads.forEach((read, i) => read.keep(answers[i]!.output));
    return result;
  };

  const client: RouterClient = {
    name,
    readAtOnce,
    ipsecSas: async () => (await client.ipsecReport()).sas,
    ipsecReport: () => query(RouterCommand.op('ipsecSa'), parseIpsecSa),
    wireguard: (iface = 'wg0') =>
      query(RouterCommand.wireguardSummary(iface), (out) => parseWireguardSummary(out, iface)),
    bgpSummary: () => query(RouterCommand.op('bgpSummary'), parseBgpSummary),
    ipRoutes: () => query(RouterCommand.op('ipRoute'), parseIpRoute),
    loadAverage: () => query(RouterCommand.op('loadavg'), parseLoadavg),
    uptime: () => query(RouterCommand.op('uptime'), parseSystemUptime),
    runningConfig: () => query(RouterCommand.op('configCommands'), parseConfigCommands),
    async resetIpsec() {
      const attempts = [
        RouterCommand.op('resetIpsecAll'),
        RouterCommand.op('restartIpsec'),
        RouterCommand.op('restartVpn'),
      ];
      const seen: string[] = [];
      await runOnSession(
        async (session) => {
          for (const command of attempts) {
            const { output } = await session.send(command);
            // An older VyOS does not know the newer spelling: try the next one.
            if (/Invalid command|Incomplete command|Ambiguous command/i.test(output)) {
              seen.push(`${command.text}: ${output.trim().split('\n')[0] ?? ''}`);
              continue;
            }
            if (/fail|error/i.test(output))
              throw new RouterError(
                'ROUTER_COMMAND',
                name,
                `${name} could not reset IPsec (\`${command.text}\`): ` +
                  redactSecrets(output.trim()),
                'check `show vpn ipsec sa` and the strongSwan log on the router',
              );
            return;
          }
          throw new RouterError(
            'ROUTER_COMMAND',
            name,
            `${name} knows none of flatnet's IPsec reset ` +
              `commands: ${redactSecrets(seen.join(' / '))}`,
            'reset the tunnels by hand and report the VyOS version',
          );
        },
        { idempotent: false },
      );
    },
    applyConfig: (lines, applyOptions = {}) =>
      runOnSession(
        (session) =>
          applyConfigLines(session, lines, applyOptions, {
            name,
            ...(options.logger ? { logger: options.logger } : {}),
            ...(options.lockRetryDelaysMs ? { lockRetryDelaysMs: options.lockRetryDelaysMs } : {}),
            // verify runs while applyConfig holds the queue: it must use this session directly.
            clientOnSession: (held) => createRouterClient(name, (work) => work(held), options),
          }),
        { idempotent: false },
      ),
  };
  return client;
}
