/** python-tabulate's default ("simple") table, as VyOS op-mode scripts print them. */
export function formatSimpleTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Natural order, the way VyOS sorts connection names (`peer-tunnel-2` before `-10`). */
export const naturalCompare = new Intl.Collator('en', { numeric: true }).compare;
