import type {
  RegionVpnStatus,
  RouterStatus,
  StatusReport,
  TunnelStatus,
} from '../../report/status-report.js';
import { LIMITS, section, type ChatText } from './chat-text.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { isOverloaded } from '../../status/find-problems.js';
import { describeShaperLoad } from '../../status/shaper-load.js';
import { tunnelVerdict, VERDICT_LOOK } from '../../status/tunnel-verdict.js';
import { chunkLines, truncate } from './truncate.js';

const TUNNELS_PER_ROUTER = 100;
const ERROR_MAX = 500;
const DETAIL_MAX = 80;
/** Room per reply, below LIMITS.maxMessageChars so the part marker and JSON overhead fit. */
const REPLY_BUDGET = LIMITS.maxMessageChars - 1500;
const SECTION_MAX = 2900;

/**
 * The status details as thread replies: one per region (regions with problems first), split
 * into "part 2/3" replies when a region holds more than one message can. Down tunnels lead
 * each router's list, so a long list still shows what matters before it is cut.
 */
export function buildStatusDetails(report: StatusReport): ChatText[] {
  const messages: ChatText[] = [];
  for (const region of regionsOf(report)) {
    const routers = report.routers.filter((r) => r.region === region);
    const vpn = report.regions.find((r) => r.region === region);
    const sections = [...routers.flatMap(routerSections), ...(vpn ? vpnSections(vpn) : [])];
    const tunnels = [...routers.flatMap((r) => r.tunnels), ...(vpn?.tunnels ?? [])];
    const up = tunnels.filter((t) => t.state === 'up').length;
    const title =
      `*${escapeMrkdwn(region)}* · ${routers.length} ` +
      `router${routers.length === 1 ? '' : 's'} · ${up}/${tunnels.length} tunnels up`;
    const parts = packSections(sections);
    parts.forEach((part, i) => {
      const marker = parts.length > 1 ? ` · part ${i + 1}/${parts.length}` : '';
      messages.push({
        text: truncate(
          `${region}: ${routers.length} routers, ${up}/${tunnels.length} ` +
            `tunnels up${marker.replace(' · ', ', ')}`,
          300,
        ),
        blocks: [section(title + marker), ...part.map(section)],
      });
    });
  }
  return messages;
}

/** Regions with a problem first, then the rest, each in the order the report lists them. */
function regionsOf(report: StatusReport): string[] {
  const all = [
    ...new Set([...report.routers.map((r) => r.region), ...report.regions.map((r) => r.region)]),
  ];
  const troubled = new Set([
    ...report.routers
      .filter(
        (r) =>
          !r.reachable || isOverloaded(r) || hasDownTunnel(r) || r.shaping?.some((s) => s.atLimit),
      )
      .map((r) => r.region),
    ...report.regions
      .filter((r) => r.error || r.tunnels.some((t) => t.state === 'down'))
      .map((r) => r.region),
  ]);
  return [...all.filter((r) => troubled.has(r)), ...all.filter((r) => !troubled.has(r))];
}

function hasDownTunnel(router: RouterStatus): boolean {
  return router.tunnels.some((t) => tunnelVerdict(router, t) === 'down');
}

/** The router's own verdict, in a word beside its symbol. */
function routerLook(router: RouterStatus): string {
  if (!router.reachable) return ':red_circle: unreachable';
  if (hasDownTunnel(router)) return ':red_circle: tunnels down';
  if (isOverloaded(router)) return ':warning: high load';
  if (router.shaping?.some((s) => s.atLimit)) return ':warning: at shaping limit';
  return ':large_green_circle: ok';
}

function routerSections(router: RouterStatus): string[] {
  const up = router.tunnels.filter((t) => t.state === 'up').length;
  const load =
    router.load5 !== undefined
      ? ` · load ${router.load5.toFixed(2)}` +
        (router.loadThreshold !== undefined ? `/${router.loadThreshold.toFixed(2)}` : '')
      : '';
  const head =
    `${routerLook(router)} · *${escapeMrkdwn(router.router)}* (${router.role})${load} ` +
    `· ${up}/${router.tunnels.length} tunnels up`;
  if (!router.reachable) {
    return [
      truncate(
        `${head}\n      unreachable: ` +
          truncate(escapeMrkdwn(router.error ?? 'no answer'), ERROR_MAX),
        SECTION_MAX,
      ),
    ];
  }
  return chunkLines(
    [head, ...shapingLines(router), ...tunnelLines(router.tunnels, router)],
    SECTION_MAX,
  );
}

/** Each shaper's load since the previous status read; one at its limit is flagged. */
function shapingLines(router: RouterStatus): string[] {
  return (router.shaping ?? []).map(
    (load) =>
      `      ${load.atLimit ? ':warning: at limit' : 'shaped'}: ` +
      `${escapeMrkdwn(load.what)} (${escapeMrkdwn(load.iface)}) ${describeShaperLoad(load)}`,
  );
}

function vpnSections(vpn: RegionVpnStatus): string[] {
  const head = `*AWS VPN connections* in ${escapeMrkdwn(vpn.region)}`;
  if (vpn.error)
    return [
      truncate(
        `:warning: ${head}: telemetry failed: ${truncate(escapeMrkdwn(vpn.error), ERROR_MAX)}`,
        SECTION_MAX,
      ),
    ];
  if (vpn.tunnels.length === 0) return [];
  return chunkLines([head, ...tunnelLines(vpn.tunnels)], SECTION_MAX);
}

/** Down first (what matters survives a cut), then idle and standby, then up. */
const ORDER = ['down', 'idle', 'standby', 'up'] as const;

function tunnelLines(tunnels: TunnelStatus[], router?: RouterStatus): string[] {
  const judged = tunnels.map((t) => ({ t, verdict: tunnelVerdict(router, t) }));
  const ordered = ORDER.flatMap((v) => judged.filter((j) => j.verdict === v));
  const lines = ordered.slice(0, TUNNELS_PER_ROUTER).map(({ t, verdict }) => {
    const { icon, word } = VERDICT_LOOK[verdict];
    const remote = t.remote ? ` → ${escapeMrkdwn(t.remote)}` : '';
    const detail = t.detail ? ` · ${truncate(escapeMrkdwn(t.detail), DETAIL_MAX)}` : '';
    const name = truncate(escapeMrkdwn(t.name), 100);
    return `      ${icon} ${word} · ${name} _${t.kind}_${remote}${detail}`;
  });
  if (ordered.length > TUNNELS_PER_ROUTER)
    lines.push(`      … and ${ordered.length - TUNNELS_PER_ROUTER} more tunnels`);
  return lines;
}

/** Fill replies with sections in order, starting a new reply before one would break a limit. */
function packSections(sections: string[]): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const text of sections) {
    const cost = JSON.stringify(section(text)).length + 1;
    if (
      current.length > 0 &&
      (current.length + 1 >= LIMITS.blocksPerMessage - 1 || size + cost > REPLY_BUDGET)
    ) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(text);
    size += cost;
  }
  if (current.length > 0 || parts.length === 0) parts.push(current);
  return parts;
}
