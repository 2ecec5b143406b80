/**
 * The receiving router holds the Elastic IP; reset IPsec there so it initiates at once instead
 * of waiting for the peers' DPD, then wait until every SA that was up before is up there and
 * every BGP session that was established is established again. The reset goes out in the same
 * moment as the route repoint (`repoint-routes` calls `rekeyTunnels`), so this step only waits;
 * it resets by itself only when no earlier step did (the original order in the bench). A
 * timeout fails the step, and the engine's undo moves the routes and the Elastic IP back.
 * Shared by the scale-up, the failover and the failback.
 */
import { FlatnetError } from '../errors.js';
import type { StepAction, TypedStepContext } from '../runbook/define-step.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { Cutover, CutoverDeps, ResolveCutover } from './cutover.js';
import { CUTOVER_STEPS } from './cutover-steps.js';
import { sleep } from '../util/wait-for.js';

export interface TunnelCount {
  sasUp: string[];
  sasDown: string[];
  bgpUp: string[];
  bgpDown: string[];
}

/**
 * One router round trip per poll while SAs are down (each round trip delays the verdict); BGP
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

/** What `rekeyTunnels` did: started the re-keying, or found every expected SA up already. */
export type Rekeyed = 'reset' | 'already-up';

/**
 * Reset IPsec on the receiving router so it initiates every SA now. `look` first reads the
 * SAs and leaves them alone when all are up: a resumed run whose reset already worked must not
 * cause a second outage. Without `look` (the Elastic IP was moved by this very attempt, so no
 * SA of the receiver can be up yet) the reset goes out at once: every round trip before it
 * lengthens the outage.
 */
export async function rekeyTunnels<D extends CutoverDeps>(
  ctx: TypedStepContext<D>,
  cutover: Cutover,
  options: { look: boolean },
): Promise<Rekeyed> {
  const router = cutover.to.client();
  if (options.look && cutover.expectedSas.length > 0) {
    const up = new Set(
      (await router.ipsecReport()).sas.filter((sa) => sa.state === 'up').map((sa) => sa.connection),
    );
    if (cutover.expectedSas.every((c) => up.has(c))) return 'already-up';
  }
  await ctx.assertStillOwner();
  await router.resetIpsec();
  return 'reset';
}

export function bringTunnelsUp<D extends CutoverDeps>(resolve: ResolveCutover<D>): StepAction<D> {
  return async (ctx) => {
    const cutover = resolve(ctx);
    const { from, to } = cutover;
    if (ctx.dryRun) return { detail: `dry run: would wait for the tunnels of ${to.label}` };
    const { expectedSas, expectedBgp } = cutover;
    const total = expectedSas.length + expectedBgp.length;
    const router = to.client();
    const { clock, tunnelWait } = ctx.deps;

    // Re-keyed with the route repoint: only wait. Otherwise (no repoint before this step) reset
    // here, unless every SA is up already (resumed after the reset worked).
    if (!ctx.resultIfAny(CUTOVER_STEPS.repointRoutes)?.ipsec)
      await rekeyTunnels(ctx, cutover, { look: true });
    const deadline = clock() + tunnelWait.timeoutMs;
    let shown = -1;
    for (;;) {
      const count = await countTunnels(router, expectedSas, expectedBgp);
      const up = count.sasUp.length + count.bgpUp.length;
      if (up === total)
        return {
          detail:
            `${count.sasUp.length}/${expectedSas.length} SAs up, ` +
            `${count.bgpUp.length}/${expectedBgp.length} BGP sessions established on ${to.label}`,
        };
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
          `flatnet moves the Elastic IP back to ${from.label}, and the routes with it; ` +
            `compare ${to.label}'s \`show vpn ipsec sa\` and ` +
            `strongSwan log with ${from.label}'s before trying again`,
        );
      }
      await sleep(tunnelWait.pollMs);
    }
  };
}
