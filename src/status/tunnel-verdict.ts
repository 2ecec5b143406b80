import type { RouterStatus, TunnelStatus } from '../report/status-report.js';

/**
 * What a tunnel's state means, decided once for the headline, the problems, the counts and the
 * details alike, so that "All clear" and a red line below it can never both be shown:
 *
 * - `up`: carrying traffic;
 * - `standby`: not up on a standby router, as designed (its tunnels wait for the Elastic IP);
 * - `idle`: a WireGuard peer without a recent handshake, a laptop that is off or asleep;
 * - `down`: anything else that is not up, a problem.
 */
export type TunnelVerdict = 'up' | 'standby' | 'idle' | 'down';

export function tunnelVerdict(
  router: Pick<RouterStatus, 'role'> | undefined,
  tunnel: Pick<TunnelStatus, 'state' | 'kind'>,
): TunnelVerdict {
  if (tunnel.state === 'up') return 'up';
  if (router?.role === 'standby') return 'standby';
  if (tunnel.kind === 'wireguard') return 'idle';
  return 'down';
}

/**
 * Each verdict's symbol and word: the word carries the state, so it reads without an emoji font
 * (a screen reader, a terminal, a notification) and the symbol only helps the eye.
 */
export const VERDICT_LOOK: Record<TunnelVerdict, { icon: string; word: string }> = {
  up: { icon: ':large_green_circle:', word: 'up' },
  standby: { icon: ':white_circle:', word: 'standby, waits for the Elastic IP' },
  idle: { icon: ':white_circle:', word: 'idle, no recent handshake' },
  down: { icon: ':red_circle:', word: 'down' },
};
