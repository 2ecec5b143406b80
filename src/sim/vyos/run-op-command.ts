/**
 * Operational mode: the commands a driver runs outside `configure`, each answered from the
 * router's active configuration and live state. Unknown words get VyOS's
 * `Invalid command: show [foo]` with the bad word in brackets.
 */
import type { CliToken } from './parse-cli-words.js';
import type { VyosRouter } from './vyos-router.js';
import { renderCurlyBody } from './render-config-curly.js';
import { showIpsecConnections, showIpsecSa } from './show-ipsec-sa.js';
import { showWireguardSummary } from './show-wireguard-summary.js';
import { showBgpSummary } from './show-bgp-summary.js';
import { showIpRoute } from './show-ip-route.js';
import { catProcLoadavg, showSystemUptime, showVersion } from './show-system-status.js';
import { showTcClasses } from './show-tc-class.js';

export interface OpResult {
  lines: string[];
  action?: 'configure' | 'logout';
  exitCode?: number;
}

export function invalidCommand(known: string[], bad: string): OpResult {
  const prefix = known.length > 0 ? `${known.join(' ')} ` : '';
  return { lines: ['', `  Invalid command: ${prefix}[${bad}]`, ''], exitCode: 1 };
}

function incomplete(words: string[]): OpResult {
  return { lines: ['', `  Incomplete command: ${words.join(' ')}`, ''], exitCode: 1 };
}

/** Walk `words` along an expected sequence; report the first word that differs. */
function expectWords(words: string[], expected: string[]): OpResult | undefined {
  for (let i = 0; i < expected.length; i++) {
    if (words[i] === undefined) return incomplete(words);
    if (words[i] !== expected[i]) return invalidCommand(words.slice(0, i), words[i] as string);
  }
  if (words.length > expected.length)
    return invalidCommand(words.slice(0, expected.length), words[expected.length] as string);
  return undefined;
}

const SECRET_LEAVES =
  /\b(private-key|preshared-key|secret|password|key|encrypted-password|plaintext-password) '[^']*'/;

function applyPipes(lines: string[], pipes: CliToken[][]): string[] {
  let out = lines;
  for (const pipe of pipes) {
    const [command, ...args] = pipe.map((t) => t.text);
    if (command === 'match' || command === 'grep') {
      const pattern = args.join(' ');
      out = out.filter((line) => line.includes(pattern));
    } else if (command === 'strip-private') {
      out = out.map((line) =>
        line.replace(SECRET_LEAVES, (_m, leaf: string) => `${leaf} 'xxxxxx'`),
      );
    }
    // `no-more`, `more`, `count` … change nothing a client can see with the pager off.
  }
  return out;
}

function showCommand(router: VyosRouter, words: string[]): OpResult {
  const cfg = router.active;
  const [, what, ...rest] = words;
  switch (what) {
    case undefined:
      return incomplete(words);
    case 'configuration':
      if (rest.length === 0) return { lines: renderCurlyBody(cfg.root, 0) };
      return expectWords(rest, ['commands']) ?? { lines: cfg.toSetLines() };
    case 'vpn': {
      if (rest[0] === 'ipsec' && rest[1] === 'sa' && rest.length === 2)
        return { lines: showIpsecSa(cfg, router.live, router.ipsecRunning) };
      if (rest[0] === 'ipsec' && rest[1] === 'connections' && rest.length === 2) {
        return { lines: showIpsecConnections(cfg, router.live, router.ipsecRunning) };
      }
      if (rest[0] !== 'ipsec')
        return rest[0] ? invalidCommand(['show', 'vpn'], rest[0]) : incomplete(words);
      return rest[1] ? invalidCommand(['show', 'vpn', 'ipsec'], rest[1]) : incomplete(words);
    }
    case 'interfaces': {
      if (rest[0] !== 'wireguard')
        return rest[0] ? invalidCommand(['show', 'interfaces'], rest[0]) : incomplete(words);
      const iface = rest[1];
      if (!iface) return incomplete(words);
      if (rest[2] !== 'summary' || rest.length > 3)
        return rest[2] ? invalidCommand(words.slice(0, 4), rest[2]) : incomplete(words);
      return { lines: showWireguardSummary(cfg, iface, router.live, router.version) };
    }
    case 'ip':
      if (rest[0] === 'route')
        return (
          expectWords(rest, ['route']) ?? { lines: showIpRoute(router.live.ipRoutes?.() ?? []) }
        );
      return (
        expectWords(rest, ['bgp', 'summary']) ?? {
          lines: showBgpSummary(cfg, router.live, router.version),
        }
      );
    case 'bgp':
      return (
        expectWords(rest, ['summary']) ?? {
          lines: showBgpSummary(cfg, router.live, router.version),
        }
      );
    case 'system':
      return (
        expectWords(rest, ['uptime']) ?? {
          lines: showSystemUptime(router.live, router.cores, router.version),
        }
      );
    case 'version':
      return expectWords(rest, []) ?? { lines: showVersion(router.version, router.hardwareModel) };
    default:
      return invalidCommand(['show'], what);
  }
}

function resetVpn(router: VyosRouter, words: string[]): OpResult {
  const cfg = router.active;
  const rest = words.slice(1);
  const bad = expectWords(rest.slice(0, 3), ['vpn', 'ipsec', 'site-to-site']);
  if (bad) return bad;
  const target = rest[3];
  let peers: string[];
  if (target === 'all' && rest.length === 4) {
    peers = cfg.names('vpn ipsec site-to-site peer');
  } else if (target === 'peer' && rest[4] !== undefined) {
    const peer = rest[4];
    const tunnel = rest[5] === 'tunnel' ? rest[6] : rest[5];
    const p = `vpn ipsec site-to-site peer ${peer}`;
    const exists =
      cfg.has(p) &&
      (tunnel === undefined ||
        (tunnel === 'vti' ? cfg.has(`${p} vti`) : cfg.has(`${p} tunnel ${tunnel}`)));
    if (!exists) return { lines: ['Peer or tunnel(s) not found, aborting'], exitCode: 1 };
    peers = [peer];
    router.emit('ipsec-reset', { peer, tunnel });
  } else {
    return target ? invalidCommand(words.slice(0, 4), target) : incomplete(words);
  }
  const lines: string[] = [];
  for (const peer of peers) {
    lines.push(`Peer ${peer} terminate result: success`);
    if (cfg.value(`vpn ipsec site-to-site peer ${peer} connection-type`) === 'initiate')
      lines.push(`Peer ${peer} initiate result: success`);
    if (target === 'all') router.emit('ipsec-reset', { peer });
  }
  return { lines };
}

function restart(router: VyosRouter, words: string[]): OpResult {
  const what = words[1];
  if (what === 'ipsec' && words.length === 2 && router.version !== '1.3') {
    router.ipsecRunning = true;
    router.emit('ipsec-restart');
    return { lines: ['IPsec process restarted'] };
  }
  if (what === 'vpn' && words.length === 2 && router.version === '1.3') {
    router.ipsecRunning = true;
    router.emit('ipsec-restart');
    return {
      lines: ['Stopping strongSwan IPsec...', 'Starting strongSwan 5.9.1 IPsec [starter]...'],
    };
  }
  return what ? invalidCommand(['restart'], what) : incomplete(words);
}

/** Run one op-mode command (already split from `;`), with its `|` filters. */
export function runOpCommand(router: VyosRouter, tokens: CliToken[]): OpResult {
  const segments: CliToken[][] = [[]];
  for (const t of tokens) {
    if (t.separator === '|') segments.push([]);
    else (segments[segments.length - 1] as CliToken[]).push(t);
  }
  const words = (segments[0] ?? []).map((t) => t.text);
  const result = dispatch(router, words);
  return { ...result, lines: applyPipes(result.lines, segments.slice(1)) };
}

function dispatch(router: VyosRouter, words: string[]): OpResult {
  const [first] = words;
  switch (first) {
    case undefined:
      return { lines: [] };
    case 'show':
      return showCommand(router, words);
    case 'set':
      // Paging and width only matter to a human; the emulator never pages.
      if (words[1] === 'terminal' && words[2] !== undefined) return { lines: [] };
      return words[1] ? invalidCommand(['set'], words[1]) : incomplete(words);
    case 'cat':
      if (words[1] === '/proc/loadavg' && words.length === 2)
        return { lines: catProcLoadavg(router.live) };
      if (words[1] === '/proc/uptime' && words.length === 2)
        return { lines: catProcUptime(router) };
      return { lines: [`cat: ${words[1] ?? ''}: Permission denied`], exitCode: 1 };
    case '/sbin/tc':
    case '/usr/sbin/tc':
      return tcCommand(router, words.slice(1));
    case 'restart':
      return restart(router, words);
    case 'reset':
      return resetVpn(router, words);
    case 'configure':
      return words.length === 1
        ? { lines: [], action: 'configure' }
        : invalidCommand(['configure'], words[1] as string);
    case 'exit':
    case 'logout':
      return { lines: [], action: 'logout' };
    default:
      return invalidCommand([], first);
  }
}

/**
 * `/proc/uptime`: seconds since boot to the hundredth, then the cores' idle seconds: the router's
 * clock (what `show system uptime` counts from), so counters read beside it are timed as the
 * kernel would time them.
 */
function catProcUptime(router: VyosRouter): string[] {
  const elapsed = Math.max(0, Date.now() - router.bootedAt) / 1000;
  // The live state counts whole seconds of the same clock plus a fixed offset (30 s for a
  // router outside a world): floor(elapsed) + K, so K is the ceiling of the difference (less
  // a hair, should a second end between the two readings).
  const offset = Math.ceil(router.live.uptimeSeconds() - elapsed - 0.0005);
  const up = offset + elapsed;
  const idle = up * router.cores * 0.9;
  return [`${up.toFixed(2)} ${idle.toFixed(2)}`];
}

/** The kernel knows the interfaces the configuration declares (and `lo`). */
function interfaceExists(router: VyosRouter, iface: string): boolean {
  const cfg = router.active;
  const base = iface.split('.')[0] ?? iface;
  return (
    iface === 'lo' ||
    ['ethernet', 'vti', 'wireguard', 'bonding', 'bridge', 'dummy'].some((kind) =>
      iface === base
        ? cfg.has(`interfaces ${kind} ${iface}`)
        : cfg.has(`interfaces ${kind} ${base} vif ${iface.slice(base.length + 1)}`),
    )
  );
}

/** iproute2's `tc`: only `-s class show dev <if>` is modelled; other objects are refused. */
function tcCommand(router: VyosRouter, args: string[]): OpResult {
  const [stats, object, verb, dev, iface] = args;
  if (stats !== '-s' || object !== 'class' || verb !== 'show' || dev !== 'dev' || !iface) {
    const word = args.find((a) => !a.startsWith('-')) ?? '';
    return { lines: [`Object "${word}" is unknown, try "tc help".`], exitCode: 1 };
  }
  if (args.length > 5) return { lines: [`What is "${args[5]}"?`], exitCode: 1 };
  if (!interfaceExists(router, iface))
    return { lines: [`Cannot find device "${iface}"`], exitCode: 1 };
  return { lines: showTcClasses(router.shapers.classes(iface)) };
}
