/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [--per N] [--top K] [--focus NAME…]`: where
 * a `node --cpu-prof` profile's CPU went, as self time by package or file and by function, and
 * the inclusive time of the named functions; `--per N` divides each figure by N (the requests a
 * bench sent) to read µs per request.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [--per N] [--top K]');
const option = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const per = Number(option('--per') ?? 1);
const top = Number(option('--top') ?? 25);
const focus = args.filter((a, i) => args[i - 1] === '--focus');
const treeOf = option('--tree');
const depth = Number(option('--depth') ?? 4);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// `--during NAME`: only the spans in which NAME ran (samples of it less than 300 ms apart
// make one span), e.g. the bursts of a bench; each span is printed.
const during = option('--during');
const at: number[] = [];
profile.timeDeltas.reduce((t, d, i) => (at[i] = t + d), profile.startTime);
const inside = (id: number, name: string) => {
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n))
    if (byId.get(n)!.callFrame.functionName === name) return true;
  return false;
};
const spans: [number, number][] = [];
if (during)
  profile.samples.forEach((id, i) => {
    if (!inside(id, during)) return;
    const last = spans.at(-1);
    if (last && at[i]! - last[1] < 300_000) last[1] = at[i]!;
    else spans.push([at[i]!, at[i]!]);
  });
const counted = (i: number) => !during || spans.some(([a, b]) => at[i]! >= a && at[i]! <= b);
for (const [a, b] of spans)
  console.log(
    `span ${((a - profile.startTime) / 1e6).toFixed(2)} s + ${((b - a) / 1000).toFixed(0)} ms`,
  );

// Self time per node: each sample's delta belongs to the node sampled, but a delta longer than
// `--gap-ms` (default 20; samples come every 1 ms) is time nobody sampled (the process was
// asleep or not scheduled), counted apart instead of charged to whatever ran next.
const gapUs = Number(option('--gap-ms') ?? 20) * 1000;
const GAP = -1;
const deltaOf = (i: number) => profile.timeDeltas[i] ?? 0;
const sampled = (i: number) => (deltaOf(i) > gapUs ? GAP : profile.samples[i]!);
byId.set(GAP, {
  id: GAP,
  callFrame: { functionName: '(gap: not sampled)', url: '', lineNumber: 0 },
});
const self = new Map<number, number>();
profile.samples.forEach((_, i) => {
  if (counted(i)) self.set(sampled(i), (self.get(sampled(i)) ?? 0) + deltaOf(i));
});

const where = (url: string) => {
  if (!url) return '(native/vm)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(dist\/.*)$/.exec(url);
  return own ? own[1]! : url;
};
const label = ({ callFrame: f }: ProfileNode) =>
  `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const [id, us] of self) {
  const n = byId.get(id)!;
  total += us;
  const name = n.callFrame.functionName;
  add(
    byPlace,
    ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : where(n.callFrame.url),
    us,
  );
  add(byFunction, label(n), us);
}

// Inclusive time of the focused functions (a sample counts once even under recursion).
const inclusive = new Map<string, number>();
profile.samples.forEach((_, i) => {
  if (!counted(i)) return;
  const seen = new Set<string>();
  for (let at: number | undefined = sampled(i); at !== undefined; at = parent.get(at)) {
    const name = byId.get(at)!.callFrame.functionName;
    if (focus.includes(name) && !seen.has(name)) {
      seen.add(name);
      add(inclusive, name, profile.timeDeltas[i] ?? 0);
    }
  }
});

const fmt = (us: number) => `${(us / per).toFixed(per === 1 ? 0 : 1).padStart(10)} µs`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${fmt(v)}  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled${per === 1 ? '' : `, per ${per}`}`);
print('self time by package / file', byPlace);
print('self time by function', byFunction);
if (focus.length > 0) print('inclusive time', inclusive);

// `--tree NAME`: what NAME's time went to, merged over its call sites, to `--depth` levels.
if (treeOf) {
  interface Merged {
    us: number;
    children: Map<string, Merged>;
  }
  const root: Merged = { us: 0, children: new Map() };
  const inclusiveOf = new Map<number, number>();
  const sum = (id: number): number => {
    const n = byId.get(id)!;
    const us = (self.get(id) ?? 0) + (n.children ?? []).reduce((a, c) => a + sum(c), 0);
    inclusiveOf.set(id, us);
    return us;
  };
  for (const n of profile.nodes) if (!parent.has(n.id)) sum(n.id);
  const merge = (id: number, into: Merged, level: number) => {
    for (const c of byId.get(id)!.children ?? []) {
      const key = label(byId.get(c)!);
      const m = into.children.get(key) ?? { us: 0, children: new Map() };
      m.us += inclusiveOf.get(c)!;
      into.children.set(key, m);
      if (level < depth) merge(c, m, level + 1);
    }
  };
  const under = (id: number): boolean => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at))
      if (byId.get(at)!.callFrame.functionName === treeOf) return true;
    return false;
  };
  for (const n of profile.nodes)
    if (n.callFrame.functionName === treeOf && !under(n.id)) {
      root.us += inclusiveOf.get(n.id)!;
      merge(n.id, root, 1);
    }
  console.log(`\ninside ${treeOf}: ${fmt(root.us)}`);
  const show = (m: Merged, indent: string) => {
    for (const [k, c] of [...m.children].sort((a, b) => b[1].us - a[1].us)) {
      if (c.us / root.us < 0.01) continue;
      console.log(`${fmt(c.us)}  ${indent}${k}`);
      show(c, `${indent}  `);
    }
  };
  show(root, '');
}
