/**
 * The receiving router holds the Elastic IP; reset IPsec there so it initiates at once instead
 * of waiting for the peers' DPD, then wait until every SA that was up before is up there and
 * every BGP session that was established is established again. A timeout fails the step, and
 * the engine's undo moves the Elastic IP back. Shared by the scale-up and the failover.
 */
import { FlatnetError } from '../errors.js';
import type { StepAction } from '../runbook/define-step.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { CutoverDeps, ResolveCutover } from './cutover.js';
import { sleep } from '../util/wait-for.js';

export interface TunnelCount {
  sasUp: string[];
  sasDown: string[];
  bgpUp: string[];
  bgpDown: string[];
}

/**
 * One router round trip per poll while SAs are down (each round trip delays the route flip); BGP
 * only once they are up.
 */
export async function countTunnels(
  router: RouterClient,
  expectedSas: string[],
  expectedBgp: string[],
): Promise<TunnelCount> {
  const ipsec = await router.ipsecReport();
  const up = new Set(ipsec.sas.filter((sa) => sa.state === 'up').map((sa) => sa.connection));
  const allSasUp = expectedSas.every((c) => up.has(c));
  const bgp = expectedBgp.length > 0 && allSasUp ? await router.bgpSummary() : null;
  const established = new Set(
    (bgp?.neighbors ?? []).filter((n) => n.state === 'Established').map((n) => n.address),
  );
  return {
    sasUp: expectedSas.filter((c) => up.has(c)),
    sasDown: expectedSas.filter((c) => !up.has(c)),
    bgpUp: expectedBgp.filter((a) => established.has(a)),
    bgpDown: expectedBgp.filter((a) => !established.has(a)),
  };
}

export function bringTunnelsUp<D extends CutoverDeps>(resolve: ResolveCutover<D>): StepAction<D> {
  return async (ctx) => {
    const cutover = resolve(ctx);
    const { from, to } = cutover;
    if (ctx.dryRun)
      return { detail: `dry run: would reset IPsec on ${to.label} and wait for its tunnels` };
    const { expectedSas, expectedBgp } = cutover;
    const total = expectedSas.length + expectedBgp.length;
    const router = to.client();
    const { clock, tunnelWait } = ctx.deps;

    // Resumed after the tunnels came up: a second reset would only cause a second outage. Only
    // the SAs are read here: every round trip before the reset lengthens the outage.
    const upNow = new Set(
      (await router.ipsecReport()).sas.filter((sa) => sa.state === 'up').map((sa) => sa.connection),
    );
    const resumedAfterReset = expectedSas.length > 0 && expectedSas.every((c) => upNow.has(c));
    let count = resumedAfterReset
      ? await countTunnels(router, expectedSas, expectedBgp)
      : undefined;
    if (!count || count.sasDown.length + count.bgpDown.length > 0) {
      await ctx.assertStillOwner();
      await router.resetIpsec();
      const deadline = clock() + tunnelWait.timeoutMs;
      let shown = -1;
      for (;;) {
        count = await countTunnels(router, expectedSas, expectedBgp);
        const up = count.sasUp.length + count.bgpUp.length;
        if (up === total) break;
        if (up !== shown) {
          shown = up;
          await ctx.note(
            `tunnels ${count.sasUp.length}/${expectedSas.length} up, ` +
              `BGP ${count.bgpUp.length}/${expectedBgp.length} established`,
          );
        }
        if (clock() >= deadline) {
          const down = [
            ...count.sasDown.map((c) => `SA ${c}`),
            ...count.bgpDown.map((a) => `BGP ${a}`),
          ];
          throw new FlatnetError(
            'TIMEOUT',
            `${to.label} brought ${up}/${total} tunnels and sessions up ` +
              `within ${Math.round(tunnelWait.timeoutMs / 1000)} s; still down: ` +
              `${down.slice(0, 8).join(', ')}${down.length > 8 ? ', …' : ''}`,
            `flatnet moves the Elastic IP back to ${from.label}; ` +
              `compare ${to.label}'s \`show vpn ipsec sa\` and ` +
              `strongSwan log with ${from.label}'s before trying again`,
          );
        }
        await sleep(tunnelWait.pollMs);
      }
    }
    if (!count) count = await countTunnels(router, expectedSas, expectedBgp);
    return {
      detail:
        `${count.sasUp.length}/${expectedSas.length} SAs up, ` +
        `${count.bgpUp.length}/${expectedBgp.length} BGP sessions established on ${to.label}`,
    };
  };
}
