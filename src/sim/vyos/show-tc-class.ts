/**
 * `tc -s class show dev <if>` as iproute2 6.1 prints an HTB shaper's classes (captured on
 * Linux 6.x: test/fixtures/vyos/tc-s-class-htb.txt): a header with the rates and bursts
 * (`sprint_rate`, `sprint_size`), the `Sent` line with drops and overlimits, the queue, then
 * HTB's own statistics; a blank line after each class. No `rate …bit …pps` line: the kernel
 * prints one only for a class with a rate estimator, which VyOS does not set up.
 */
import type { HtbClassCounters } from './shaper-counters.js';

/** iproute2 `sprint_rate`: divide by 1000 while exact (or ≥ 1000 of the next unit). */
export function tcRate(bits: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let rate = Math.round(bits);
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (rate < 1000) break;
    if (rate % 1000 !== 0 && rate < 1000 * 1000) break;
    rate /= 1000;
  }
  return `${Math.round(rate)}${units[i]}bit`;
}

/** iproute2 `sprint_size`: `1600b`, `15Kb` (whole KiB or MiB above 1 KiB). */
function tcSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024}Mb`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}Kb`;
  return `${bytes}b`;
}

/** HTB's idle token count: the burst's transmit time at the rate, in the kernel's 64 ns. */
function tokens(burstBytes: number, bits: number): number {
  return Math.round((burstBytes * 8 * 1e9) / bits / 64);
}

export function showTcClasses(classes: HtbClassCounters[]): string[] {
  const lines: string[] = [];
  for (const c of classes) {
    const leaf = c.leaf ? ` leaf ${c.leaf} prio 0` : '';
    const where = `${c.parent ? `parent ${c.parent}` : 'root'}${leaf}`;
    const cburst = 1600;
    lines.push(
      `class htb ${c.handle} ${where} rate ${tcRate(c.rateBits)} ceil ${tcRate(c.ceilBits)} ` +
        `burst ${tcSize(c.burstBytes)} cburst ${tcSize(cburst)} `,
      ` Sent ${Math.floor(c.bytes)} bytes ${Math.floor(c.packets)} pkt (dropped ` +
        `${Math.floor(c.drops)}, overlimits ${Math.floor(c.overlimits)} requeues 0) `,
      ' backlog 0b 0p requeues 0',
      ` lended: ${Math.floor(c.lended)} borrowed: ${Math.floor(c.borrowed)} giants: 0`,
      ` tokens: ${tokens(c.burstBytes, c.rateBits)} ctokens: ${tokens(cburst, c.ceilBits)}`,
      '',
    );
  }
  return lines;
}
