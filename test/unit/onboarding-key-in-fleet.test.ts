import { describe, expect, it } from 'vitest';
import { checkKeyAgainstFleet, wireguardKeysOf } from '../../src/onboarding/check-key-in-fleet.js';
import {
  generateWireguardKeyPair,
  wireguardPublicKeyOf,
} from '../../src/onboarding/generate-secrets.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { readFleetKeys } from '../../src/onboarding/read-fleet-keys.js';

describe('--pubkey against the fleet', () => {
  const router = generateWireguardKeyPair();
  const device = generateWireguardKeyPair();
  const spoke = wireguardKeysOf(
    'spoke-oregon',
    parseConfigCommands(
      [
        `set interfaces wireguard wg0 private-key '${router.privateKey}'`,
        `set interfaces wireguard wg0 peer lab public-key '${device.publicKey}'`,
      ].join('\n'),
    ),
  );

  it('derives the public half of a private key as wg pubkey does', () => {
    for (let i = 0; i < 20; i++) {
      const pair = generateWireguardKeyPair();
      expect(wireguardPublicKeyOf(pair.privateKey)).toBe(pair.publicKey);
    }
  });

  it('reads interface keys (with their public half) and peer keys from a configuration', () => {
    expect(spoke).toEqual([
      {
        router: 'spoke-oregon',
        iface: 'wg0',
        publicKey: router.publicKey,
        privateKey: router.privateKey,
      },
      { router: 'spoke-oregon', iface: 'wg0', peer: 'lab', publicKey: device.publicKey },
    ]);
  });

  it('refuses private halves, a peer anywhere and a router key, each naming the holder', () => {
    const none = new Set<string>();
    const refusal = (key: string, checked = none) => {
      try {
        checkKeyAgainstFleet(key, spoke, checked);
        return 'accepted';
      } catch (err) {
        expect(String(err)).not.toContain(key);
        return (err as Error).message;
      }
    };
    expect(refusal(router.privateKey)).toMatch(/private half of spoke-oregon's own WireGuard key/);
    expect(refusal(device.privateKey)).toMatch(/private half of peer lab's key on spoke-oregon/);
    expect(refusal(device.publicKey)).toMatch(/already peer lab on spoke-oregon/);
    expect(refusal(router.publicKey)).toMatch(/public key of spoke-oregon itself/);
    // A router whose peers checkPeerIsNew compared (this run's own peer may be there).
    expect(refusal(device.publicKey, new Set(['spoke-oregon']))).toBe('accepted');
    expect(refusal(generateWireguardKeyPair().publicKey)).toBe('accepted');
  });

  it('reads the fleet by a deadline: a router that has not answered is left unread', async () => {
    const lines = parseConfigCommands(
      `set interfaces wireguard wg0 peer lab public-key '${device.publicKey}'`,
    );
    const routers = {
      router: (name: string) => ({
        runningConfig: () =>
          name === 'hung'
            ? new Promise<never>(() => undefined)
            : name === 'down'
              ? Promise.reject(new Error('connection refused'))
              : Promise.resolve(lines),
      }),
    };
    const unanswered: string[] = [];
    const fleet = await readFleetKeys(routers, ['hub', 'hung', 'down'], {
      deadlineMs: 200,
      onUnanswered: (router, err) => unanswered.push(`${router}: ${(err as Error).message}`),
    });
    expect(fleet.unread).toEqual(['hung', 'down']);
    // Why a router was not compared is said once, not swallowed.
    expect(unanswered).toEqual(['down: connection refused']);
    expect(fleet.known).toEqual([
      { router: 'hub', iface: 'wg0', peer: 'lab', publicKey: device.publicKey },
    ]);
  });
});
