/**
 * The only things the driver may type into a router shell. A RouterCommand can be built only
 * by the factories below: op commands come from a fixed list, configuration lines go through
 * renderConfigLine, and the few parameters (an interface name, a minute count) are checked.
 * The session refuses anything else, so no caller can smuggle raw text into vbash.
 */
import { BadInputError } from '../errors.js';
import { renderConfigLine } from './config-line.js';
import type { ConfigLine } from './types.js';

/** Op-mode commands flatnet runs, by what they are for. */
const OP_COMMANDS = {
  terminalLength: 'set terminal length 0',
  terminalWidth: 'set terminal width 512',
  ipsecSa: 'show vpn ipsec sa',
  bgpSummary: 'show ip bgp summary',
  ipRoute: 'show ip route',
  loadavg: 'cat /proc/loadavg',
  /** The clock a counter reading is timed by: seconds since boot, 10 ms resolution. */
  procUptime: 'cat /proc/uptime',
  uptime: 'show system uptime',
  configCommands: 'show configuration commands',
  version: 'show version',
  resetIpsecAll: 'reset vpn ipsec site-to-site all',
  restartIpsec: 'restart ipsec',
  /** 1.3/Vyatta spelling; `Invalid command` on 1.4. */
  restartVpn: 'restart vpn',
  configure: 'configure',
} as const;

/** Configuration-mode commands other than set/delete. */
const CONFIG_COMMANDS = {
  compare: 'compare commands',
  commit: 'commit',
  confirm: 'confirm',
  save: 'save',
  exit: 'exit',
  exitDiscard: 'exit discard',
  /** The saved configuration (`/config/config.boot`) into the working one. */
  loadSaved: 'load',
} as const;

export type OpCommandName = keyof typeof OP_COMMANDS;
export type ConfigCommandName = keyof typeof CONFIG_COMMANDS;

/**
 * What renderConfigLine produces: bare path words, then at most one single-quoted value of
 * printable ASCII but `?`, whose own quotes are typed `'\''`. Nothing else reaches vbash.
 */
const RENDERED_CONFIG_LINE =
  /^(?:set|delete)(?: [A-Za-z0-9._/:+=][A-Za-z0-9._/:+=-]{0,127})+(?: '(?:[\x20-\x26\x28-\x3e\x40-\x7e]|'\\'')*')?$/;

/** Interfaces flatnet may ask `tc` about: ethernet (and VLANs), VTIs, WireGuard. */
const SHAPED_INTERFACE = /^(?:eth\d{1,5}(?:\.\d{1,4})?|vti\d{1,5}|wg\d{1,5})$/;

const ALLOWED_TEXT = new Set<string>([
  ...Object.values(OP_COMMANDS),
  ...Object.values(CONFIG_COMMANDS),
]);
const issued = new WeakSet<RouterCommand>();

export class RouterCommand {
  private constructor(
    readonly text: string,
    /** The mode the shell must be in to run it; `answer` replies to a `[Y/n]` question. */
    readonly mode: 'op' | 'config' | 'answer',
  ) {
    issued.add(this);
  }

  static op(name: OpCommandName): RouterCommand {
    return new RouterCommand(OP_COMMANDS[name], 'op');
  }

  static config(name: ConfigCommandName): RouterCommand {
    return new RouterCommand(CONFIG_COMMANDS[name], 'config');
  }

  static configLine(line: ConfigLine): RouterCommand {
    return new RouterCommand(renderConfigLine(line), 'config');
  }

  static wireguardSummary(iface: string): RouterCommand {
    if (!/^wg\d{1,5}$/.test(iface)) {
      throw new BadInputError(
        `WireGuard interface ${JSON.stringify(iface.slice(0, 20))} is not allowed`,
        'use a name like wg0 (wg followed by digits)',
      );
    }
    return new RouterCommand(`show interfaces wireguard ${iface} summary`, 'op');
  }

  /**
   * An interface's HTB classes with counters. VyOS 1.4 has no op-mode command for them (1.5's
   * `show qos shaper` runs the same `tc`); `/sbin/tc` by path because op mode's PATH for a
   * non-root login has no sbin, and a dump of classes needs no privilege.
   */
  static shaperClasses(iface: string): RouterCommand {
    if (!SHAPED_INTERFACE.test(iface)) {
      throw new BadInputError(
        `interface ${JSON.stringify(iface.slice(0, 20))} is not allowed for \`tc\``,
        'use a VyOS interface name like eth1, vti10 or wg0',
      );
    }
    return new RouterCommand(`/sbin/tc -s class show dev ${iface}`, 'op');
  }

  static commitConfirm(minutes: number): RouterCommand {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      throw new BadInputError(
        `commit-confirm minutes ${String(minutes)} is not allowed`,
        'use a whole number of minutes between 1 and 60',
      );
    }
    return new RouterCommand(`commit-confirm ${minutes}`, 'config');
  }

  static answerYes(): RouterCommand {
    return new RouterCommand('y', 'answer');
  }
}

/**
 * The session's last check before writing to the shell: the object came from a factory
 * above and its text is one of the shapes they produce.
 */
export function assertIssuedCommand(command: unknown): asserts command is RouterCommand {
  if (!(command instanceof RouterCommand) || !issued.has(command)) {
    throw new BadInputError(
      'refused to send a raw command to the router',
      'build router commands with RouterCommand.op/config/configLine',
    );
  }
  const t = command.text;
  const ok =
    ALLOWED_TEXT.has(t) ||
    (command.mode === 'answer' && t === 'y') ||
    /^show interfaces wireguard wg\d{1,5} summary$/.test(t) ||
    (t.startsWith('/sbin/tc -s class show dev ') && SHAPED_INTERFACE.test(t.slice(27))) ||
    /^commit-confirm \d{1,2}$/.test(t) ||
    (command.mode === 'config' && RENDERED_CONFIG_LINE.test(t));
  if (!ok)
    throw new BadInputError(
      'refused to send a command that is not on the allowed list',
      'use one of the RouterCommand factories',
    );
}
