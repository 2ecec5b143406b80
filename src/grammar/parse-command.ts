/**
 * The slash-command grammar. Pure and total: any text, however hostile, yields a Command or
 * a message that names the problem and the usage — never a throw. Values are checked here
 * against strict patterns, so nothing a person types reaches a router shell unvalidated;
 * whether a router or region exists is checked later against the inventory.
 */
import type { Command, ParseResult, PeerSpec } from './command.js';
import { parseCidr, parseIpv4 } from '../net/cidr.js';
import { usageOf } from './help-entries.js';

const MAX_TEXT = 1000;
const NAME = /^[A-Za-z0-9_-]{1,32}$/;
const NAME_RULE = 'names are 1–32 letters, digits, - or _';
const ROUTER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const VPC_OR_VGW = /^(vpc|vgw)-[0-9a-f]{8,17}$/;
/** A reach endpoint: `us-east-1/production`, `site/office`, `wg/ops-carol`, `10.10.2.7`. */
const ENDPOINT = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,80}$/;

type Fail = Extract<ParseResult, { ok: false }>;
const fail = (message: string, hint: string): Fail => ({ ok: false, message, hint });
const ok = (command: Command): ParseResult => ({ ok: true, command });

interface Tokens {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseCommand(command: string, text: string): ParseResult {
  try {
    return parseUnsafe(command, text);
  } catch {
    // The grammar is written not to throw; this is the last guard of the promise above.
    return fail('flatnet could not read that command', 'try `/vpn help`');
  }
}

function parseUnsafe(command: string, text: string): ParseResult {
  if (text.length > MAX_TEXT)
    return fail(
      `that command is ${text.length} characters long; the limit is ${MAX_TEXT}`,
      'check what was pasted',
    );
  const tokenized = tokenize(text);
  if ('ok' in tokenized) return tokenized;
  const [verb, ...rest] = tokenized.positional;
  const tokens: Tokens = { positional: rest, flags: tokenized.flags };
  if (command === '/vpn') return parseVpn(verb, tokens);
  if (command === '/router') return parseRouter(verb, tokens);
  return fail(
    `flatnet does not know the command ${printable(command)}`,
    'the commands are /vpn and /router; try `/vpn help`',
  );
}

function tokenize(text: string): Tokens | Fail {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    // Slack turns -- into an em dash on some clients; accept it as the operator meant it.
    const normalized = word.replace(/^[\u2014\u2013]/, '--');
    if (normalized.startsWith('--')) {
      const [key, inline] = splitOnce(normalized.slice(2), '=');
      if (!/^[a-z][a-z-]{0,20}$/.test(key))
        return fail(`${printable(word)} is not an option`, 'options look like --type c5.xlarge');
      if (flags.has(key)) return fail(`--${key} is given twice`, 'give each option once');
      if (inline !== undefined) flags.set(key, inline);
      // An unknown option takes no value here; the subcommand then says which options it has.
      else if (!VALUE_FLAGS.has(key)) flags.set(key, true);
      else {
        const value = words[i + 1];
        if (value === undefined || value.startsWith('--'))
          return fail(`--${key} needs a value`, `write it as --${key} VALUE`);
        flags.set(key, value);
        i++;
      }
    } else positional.push(word);
  }
  return { positional, flags };
}

const VALUE_FLAGS = new Set([
  'type',
  'pubkey',
  'router',
  'remote',
  'subnets',
  'bgp',
  'mode',
  'region',
  'port',
]);

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function parseVpn(verb: string | undefined, t: Tokens): ParseResult {
  switch (verb) {
    case undefined:
    case 'help':
      return expectNothingMore(t, [], { kind: 'help', topic: 'vpn' }, '/vpn help');
    case 'status': {
      const usage = usageOf('/vpn', 'status');
      const scope = t.positional[0];
      if (t.positional.length > 1)
        return fail(
          `/vpn status takes at most one region or router, got ${t.positional.length}`,
          `usage: ${usage}`,
        );
      if (scope !== undefined && !ROUTER.test(scope))
        return fail(
          `${printable(scope)} is not a region or router name`,
          `usage: ${usage} — e.g. /vpn status us-east-1`,
        );
      return expectNothingMore(t, [], { kind: 'status', ...(scope ? { scope } : {}) }, usage);
    }
    case 'reach': {
      const usage = usageOf('/vpn', 'reach');
      const example = 'e.g. /vpn reach us-east-1/production site/office';
      if (t.positional.length !== 2)
        return fail(
          `/vpn reach takes two endpoints, got ${t.positional.length}`,
          `usage: ${usage} — ${example} (a VPC as <region>/<name>, ` +
            'a site, a WireGuard peer, or an address)',
        );
      const bad = t.positional.find((e) => !ENDPOINT.test(e));
      if (bad !== undefined)
        return fail(
          `${printable(bad)} is not an endpoint`,
          `endpoints are letters, digits, . / - and _ — ${example}`,
        );
      const [from, to] = t.positional as [string, string];
      const option = t.flags.get('port');
      const m = typeof option === 'string' ? /^(tcp|udp)\/(\d{1,5})$/.exec(option) : null;
      if (option !== undefined && (!m || Number(m[2]) < 1 || Number(m[2]) > 65535))
        return fail(
          `${printable(String(option))} is not a port to try`,
          `write it as --port tcp/22 or --port udp/53 — usage: ${usage}`,
        );
      const port = m ? { protocol: m[1] as 'tcp' | 'udp', port: Number(m[2]) } : undefined;
      return expectNothingMore(
        t,
        ['port'],
        { kind: 'reach', from, to, ...(port ? { port } : {}) },
        usage,
      );
    }
    case 'add-peer':
      return parseAddPeer(t);
    case 'remove-peer': {
      const usage = usageOf('/vpn', 'remove-peer');
      const name = checkName(t.positional[0], usage);
      if (typeof name !== 'string') return name;
      if (t.positional.length > 1)
        return fail('/vpn remove-peer takes one name', `usage: ${usage}`);
      const router = optionalRouter(t, usage);
      if (typeof router === 'object') return router;
      return expectNothingMore(
        t,
        ['router', 'dry-run'],
        {
          kind: 'remove-peer',
          name,
          dryRun: t.flags.has('dry-run'),
          ...(router ? { router } : {}),
        },
        usage,
      );
    }
    case 'reissue-peer': {
      const usage = usageOf('/vpn', 'reissue-peer');
      const name = checkName(t.positional[0], usage);
      if (typeof name !== 'string') return name;
      if (t.positional.length > 1)
        return fail('/vpn reissue-peer takes one name', `usage: ${usage}`);
      const router = optionalRouter(t, usage);
      if (typeof router === 'object') return router;
      return expectNothingMore(
        t,
        ['router'],
        { kind: 'reissue-peer', name, ...(router ? { router } : {}) },
        usage,
      );
    }
    case 'peers': {
      const usage = usageOf('/vpn', 'peers');
      if (t.positional.length > 0) return fail('/vpn peers takes no name', `usage: ${usage}`);
      const router = optionalRouter(t, usage);
      if (typeof router === 'object') return router;
      return expectNothingMore(
        t,
        ['router'],
        { kind: 'peers', ...(router ? { router } : {}) },
        usage,
      );
    }
    case 'attach-vpc': {
      const usage = usageOf('/vpn', 'attach-vpc');
      const id = t.positional[0];
      if (id === undefined)
        return fail('/vpn attach-vpc needs the VPC or VPN gateway id', `usage: ${usage}`);
      if (!VPC_OR_VGW.test(id))
        return fail(
          `${printable(id)} is not a VPC or VPN gateway id`,
          'ids look like vpc-0abc12345 or vgw-0abc12345',
        );
      const region = t.flags.get('region');
      if (typeof region !== 'string')
        return fail('/vpn attach-vpc needs --region', `usage: ${usage}`);
      if (!REGION.test(region))
        return fail(`${printable(region)} is not an AWS region`, 'regions look like us-east-1');
      if (t.positional.length > 1) return fail('/vpn attach-vpc takes one id', `usage: ${usage}`);
      return expectNothingMore(
        t,
        ['region', 'dry-run'],
        { kind: 'attach-vpc', id, region, dryRun: t.flags.has('dry-run') },
        usage,
      );
    }
    case 'sync-standby': {
      const usage = usageOf('/vpn', 'sync-standby');
      const router = t.positional[0];
      if (router !== undefined && !ROUTER.test(router))
        return fail(`${printable(router)} is not a router name`, `usage: ${usage}`);
      if (t.positional.length > 1)
        return fail('/vpn sync-standby takes at most one router', `usage: ${usage}`);
      return expectNothingMore(
        t,
        ['dry-run'],
        { kind: 'sync-standby', dryRun: t.flags.has('dry-run'), ...(router ? { router } : {}) },
        usage,
      );
    }
    case 'policy': {
      const usage = usageOf('/vpn', 'policy');
      const action = t.positional[0];
      if (action !== 'show' && action !== 'diff' && action !== 'apply')
        return fail(
          action === undefined
            ? '/vpn policy needs show, diff or apply'
            : `/vpn policy has no ${printable(action)}`,
          `usage: ${usage}`,
        );
      if (t.positional.length > 1)
        return fail(`/vpn policy ${action} takes nothing more`, `usage: ${usage}`);
      if (action !== 'apply' && t.flags.has('dry-run'))
        return fail(
          `/vpn policy ${action} changes nothing: --dry-run is for apply`,
          `usage: ${usage}`,
        );
      return expectNothingMore(
        t,
        action === 'apply' ? ['dry-run'] : [],
        { kind: 'policy', action, dryRun: t.flags.has('dry-run') },
        usage,
      );
    }
    default:
      return fail(
        `/vpn has no subcommand ${printable(verb)}`,
        'try /vpn status, /vpn reach, /vpn add-peer, /vpn peers, /vpn sync-standby, ' +
          '/vpn policy or /vpn help',
      );
  }
}

/** Every problem at once, the first as the answer's message. */
function failAll(problems: Fail[]): Fail {
  const [first] = problems;
  if (!first) return fail('flatnet could not read that command', 'try `/vpn help`');
  if (problems.length === 1) return first;
  return { ...first, problems: problems.map(({ message, hint }) => ({ message, hint })) };
}

/** `/vpn add-peer`: every option is checked, and every problem reported at once. */
function parseAddPeer(t: Tokens): ParseResult {
  const usage = `${usageOf('/vpn', 'add-peer')}  or  ${usageOf('/vpn', 'add-peer-ipsec')}`;
  if (t.positional.length === 0 && t.flags.size === 0) return ok({ kind: 'add-peer-modal' });
  const problems: Fail[] = [];
  const refuse = (message: string, hint: string): undefined => {
    problems.push(fail(message, hint));
    return undefined;
  };
  const name = checkName(t.positional[0], usage);
  if (typeof name !== 'string') problems.push(name);
  const kind = t.positional[1] ?? 'wireguard';
  if (t.positional.length > 2)
    refuse(
      '/vpn add-peer takes a name and optionally a kind (wireguard or ipsec)',
      `usage: ${usage}`,
    );
  const router = optionalRouter(t, usage);
  if (typeof router === 'object') problems.push(router);
  let peer: PeerSpec | undefined;
  let allowed: string[] = [];
  if (kind === 'wireguard') {
    const key = t.flags.get('pubkey');
    if (key !== undefined && (typeof key !== 'string' || !isWireguardKey(key)))
      refuse(
        '--pubkey is not a WireGuard public key (base64 of exactly 32 bytes)',
        'copy it from `wg pubkey < private.key` or your client; or ' +
          'leave --pubkey out and flatnet generates a key pair for you',
      );
    peer = { type: 'wireguard', ...(typeof key === 'string' ? { publicKey: key } : {}) };
    allowed = ['pubkey', 'router', 'dry-run'];
  } else if (kind === 'ipsec') {
    const remoteRaw = t.flags.get('remote');
    const remote =
      typeof remoteRaw === 'string' && parseIpv4(remoteRaw) !== null
        ? remoteRaw
        : refuse('an IPsec peer needs --remote with its public IPv4 address', `usage: ${usage}`);
    const subnets = parseSubnets(t.flags.get('subnets'), refuse);
    const bgpAsn = parseBgp(t.flags.get('bgp'), refuse);
    const modeRaw = t.flags.get('mode') ?? 'route';
    const mode =
      modeRaw === 'route' || modeRaw === 'policy'
        ? modeRaw
        : refuse(
            '--mode must be route (VTI) or policy',
            'route-based is the default and works with BGP',
          );
    // BGP runs over the VTI's /30; a policy-based tunnel has no interface to peer on.
    if (mode === 'policy' && bgpAsn !== undefined)
      refuse(
        '--mode policy cannot carry --bgp: BGP needs a route-based tunnel (a VTI to peer over)',
        'drop --mode policy (route-based is the default) ' +
          'to use BGP, or drop --bgp for a policy-based site',
      );
    if (remote !== undefined && subnets !== undefined && mode !== undefined)
      peer = { type: 'ipsec', remote, subnets, mode, ...(bgpAsn !== undefined ? { bgpAsn } : {}) };
    allowed = ['remote', 'subnets', 'bgp', 'mode', 'router', 'dry-run'];
  } else {
    refuse(`${printable(kind)} is not a peer kind`, 'the kinds are wireguard (default) and ipsec');
  }
  if (typeof name !== 'string' || typeof router === 'object' || peer === undefined)
    return failAll(problems);
  if (problems.length > 0) return failAll(problems);
  return expectNothingMore(
    t,
    allowed,
    { kind: 'add-peer', name, peer, dryRun: t.flags.has('dry-run'), ...(router ? { router } : {}) },
    usage,
  );
}

function parseSubnets(
  raw: string | true | undefined,
  refuse: (message: string, hint: string) => undefined,
): string[] | undefined {
  if (typeof raw !== 'string')
    return refuse(
      'an IPsec peer needs --subnets with the networks behind it',
      'e.g. --subnets 192.168.10.0/24,192.168.20.0/24',
    );
  const subnets = raw.split(',').filter((s) => s.length > 0);
  const bad = subnets.find((s) => parseCidr(s) === null || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s));
  if (bad !== undefined || subnets.length === 0 || subnets.length > 20)
    return refuse(
      `--subnets: ${printable(bad ?? raw)} is not a list of IPv4 CIDRs`,
      'e.g. --subnets 192.168.10.0/24,192.168.20.0/24 (at most 20)',
    );
  return subnets;
}

function parseBgp(
  raw: string | true | undefined,
  refuse: (message: string, hint: string) => undefined,
): number | undefined {
  if (raw === undefined) return undefined;
  const asn = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (asn >= 1 && asn <= 4294967294) return asn;
  return refuse(
    '--bgp must be an AS number from 1 to 4294967294',
    'private ASNs are 64512–65534 and 4200000000–4294967294',
  );
}

function parseRouter(verb: string | undefined, t: Tokens): ParseResult {
  switch (verb) {
    case undefined:
    case 'help':
      return expectNothingMore(t, [], { kind: 'help', topic: 'router' }, '/router help');
    case 'history': {
      const usage = usageOf('/router', 'history');
      const router = t.positional[0];
      if (router !== undefined && !ROUTER.test(router))
        return fail(`${printable(router)} is not a router name`, `usage: ${usage}`);
      if (t.positional.length > 1)
        return fail('/router history takes at most one router', `usage: ${usage}`);
      return expectNothingMore(t, [], { kind: 'history', ...(router ? { router } : {}) }, usage);
    }
    case 'monitor':
      return parseMonitor(t);
    case 'status':
    case 'scaleup':
    case 'scaledown':
    case 'failover':
    case 'failback': {
      const usage = usageOf('/router', verb === 'status' ? 'router-status' : verb);
      const router = t.positional[0];
      if (router === undefined)
        return fail(
          `/router ${verb} needs a router name`,
          `usage: ${usage} — /vpn status lists the routers`,
        );
      if (!ROUTER.test(router))
        return fail(`${printable(router)} is not a router name`, `usage: ${usage}`);
      if (t.positional.length > 1)
        return fail(`/router ${verb} takes one router`, `usage: ${usage}`);
      if (verb === 'status')
        return expectNothingMore(t, [], { kind: 'router-status', router }, usage);
      const dryRun = t.flags.has('dry-run');
      if (verb === 'failover' || verb === 'failback')
        return expectNothingMore(t, ['dry-run'], { kind: verb, router, dryRun }, usage);
      const type = t.flags.get('type');
      if (type !== undefined && (typeof type !== 'string' || !INSTANCE_TYPE.test(type)))
        return fail(
          `--type ${printable(String(type))} is not an instance type`,
          'types look like c5.xlarge',
        );
      return expectNothingMore(
        t,
        ['type', 'dry-run'],
        { kind: verb, router, dryRun, ...(typeof type === 'string' ? { type } : {}) },
        usage,
      );
    }
    default:
      return fail(
        `/router has no subcommand ${printable(verb)}`,
        'try /router status, scaleup, scaledown, failover, failback, history or monitor',
      );
  }
}

/** `for 2h`, `for 30m`, `for 1d`: how long a pause lasts (default 1 h, at most 7 days). */
const PAUSE_FOR = /^([1-9]\d{0,3})(m|h|d)$/;

function parseMonitor(t: Tokens): ParseResult {
  const usage = usageOf('/router', 'monitor');
  const [action, router, word, span] = t.positional;
  if (action === undefined)
    return expectNothingMore(t, [], { kind: 'monitor', action: 'show' }, usage);
  if (action !== 'pause' && action !== 'resume')
    return fail(`/router monitor has no action ${printable(action)}`, `usage: ${usage}`);
  if (router === undefined || !ROUTER.test(router))
    return fail(
      router === undefined
        ? `/router monitor ${action} needs a router name`
        : `${printable(router)} is not a router name`,
      `usage: ${usage}`,
    );
  if (action === 'resume') {
    if (t.positional.length > 2)
      return fail('/router monitor resume takes one router', `usage: ${usage}`);
    return expectNothingMore(t, [], { kind: 'monitor', action, router }, usage);
  }
  let minutes = 60;
  if (word !== undefined) {
    const m = span !== undefined ? PAUSE_FOR.exec(span) : null;
    if (word !== 'for' || !m || t.positional.length > 4)
      return fail('say how long as `for 30m`, `for 2h` or `for 1d`', `usage: ${usage}`);
    minutes = Number(m[1]) * { m: 1, h: 60, d: 24 * 60 }[m[2] as 'm' | 'h' | 'd'];
    if (minutes > 7 * 24 * 60)
      return fail('a monitor pause lasts at most 7 days', 'pause again when it runs out');
  }
  return expectNothingMore(t, [], { kind: 'monitor', action, router, minutes }, usage);
}

function checkName(name: string | undefined, usage: string): string | Fail {
  if (name === undefined) return fail('a peer name is needed', `usage: ${usage}`);
  if (!NAME.test(name))
    return fail(
      `${printable(name)} is not a valid peer name: ${NAME_RULE}`,
      'e.g. alice-laptop or office_osaka',
    );
  return name;
}

function optionalRouter(t: Tokens, usage: string): string | undefined | Fail {
  const router = t.flags.get('router');
  if (router === undefined) return undefined;
  if (typeof router !== 'string' || !ROUTER.test(router))
    return fail(`--router ${printable(String(router))} is not a router name`, `usage: ${usage}`);
  return router;
}

function expectNothingMore(
  t: Tokens,
  allowedFlags: string[],
  command: Command,
  usage: string,
): ParseResult {
  for (const key of t.flags.keys()) {
    if (!allowedFlags.includes(key)) {
      return fail(
        `--${key} is not an option here`,
        allowedFlags.length
          ? `options: ${allowedFlags.map((f) => `--${f}`).join(' ')} — usage: ${usage}`
          : `usage: ${usage}`,
      );
    }
  }
  if (command.kind === 'help' && t.positional.length > 0)
    return fail(`${printable(t.positional[0]!)} is not a subcommand`, `usage: ${usage}`);
  return ok(command);
}

export function isWireguardKey(key: string): boolean {
  return WG_KEY.test(key) && Buffer.from(key, 'base64').length === 32;
}

/** Echo user text back safely: short, one line, control characters shown as `?`. */
function printable(text: string): string {
  // Control characters are exactly what must not be echoed.
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return `"${oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine}"`;
}
