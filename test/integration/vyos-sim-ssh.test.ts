import { afterEach, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import {
  startVyosRouter,
  type StartVyosRouterOptions,
  type VyosRouterHandle,
} from '../../src/sim/vyos/start-vyos-router.js';
import { generateHostKey, generateUserKey } from '../../src/sim/vyos/generate-keys.js';
import { openTestShell, type TestShell } from '../../src/sim/vyos/test-shell.js';
import { generateWireguardKeyPair } from '../../src/sim/vyos/wireguard-keys.js';
import type { RouterLiveState } from '../../src/sim/vyos/live-state.js';

const HOST_KEY = generateHostKey();
const USER_KEY = generateUserKey();
const WG_HUB = generateWireguardKeyPair();
const WG_BOB = generateWireguardKeyPair();
const WG_ALICE = generateWireguardKeyPair();

const BASE = [
  "set interfaces ethernet eth0 address '10.0.1.10/24'",
  "set interfaces wireguard wg0 address '10.250.0.1/24'",
  "set interfaces wireguard wg0 port '51820'",
  `set interfaces wireguard wg0 private-key '${WG_HUB.privateKey}'`,
  `set interfaces wireguard wg0 peer bob public-key '${WG_BOB.publicKey}'`,
  "set interfaces wireguard wg0 peer bob allowed-ips '10.250.0.11/32'",
  "set interfaces wireguard wg0 peer bob persistent-keepalive '25'",
  "set interfaces vti vti10 address '169.254.10.2/30'",
  "set vpn ipsec interface 'eth0'",
  "set vpn ipsec ike-group IKE key-exchange 'ikev2'",
  "set vpn ipsec ike-group IKE proposal 1 encryption 'aes256'",
  "set vpn ipsec esp-group ESP pfs 'dh-group14'",
  "set vpn ipsec esp-group ESP proposal 1 encryption 'aes256'",
  "set vpn ipsec esp-group ESP proposal 1 hash 'sha256'",
  "set vpn ipsec site-to-site peer us-east-1 remote-address '198.51.100.7'",
  "set vpn ipsec site-to-site peer us-east-1 ike-group 'IKE'",
  "set vpn ipsec site-to-site peer us-east-1 connection-type 'initiate'",
  "set vpn ipsec site-to-site peer us-east-1 vti bind 'vti10'",
  "set vpn ipsec site-to-site peer us-east-1 vti esp-group 'ESP'",
  "set vpn ipsec site-to-site peer OFFICE remote-address '203.0.113.10'",
  "set vpn ipsec site-to-site peer OFFICE ike-group 'IKE'",
  "set vpn ipsec site-to-site peer OFFICE default-esp-group 'ESP'",
  "set vpn ipsec site-to-site peer OFFICE tunnel 0 local prefix '10.0.0.0/16'",
  "set vpn ipsec site-to-site peer OFFICE tunnel 0 remote prefix '192.168.0.0/16'",
  "set protocols bgp system-as '65000'",
  "set protocols bgp neighbor 169.254.10.1 remote-as '64512'",
  'set protocols bgp neighbor 169.254.10.1 address-family ipv4-unicast',
  "set system host-name 'hub-tokyo-a'",
];

const handles: VyosRouterHandle[] = [];
const shells: TestShell[] = [];

afterEach(async () => {
  for (const shell of shells.splice(0)) shell.close();
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function start(extra: Partial<StartVyosRouterOptions> = {}): Promise<VyosRouterHandle> {
  const handle = await startVyosRouter({
    name: 'hub-tokyo-a',
    hostKey: HOST_KEY.privateKey,
    authorizedKeys: [USER_KEY.publicKey],
    baseConfig: BASE,
    ...extra,
  });
  handles.push(handle);
  return handle;
}

async function shellTo(
  handle: VyosRouterHandle,
  privateKey = USER_KEY.privateKey,
): Promise<TestShell> {
  const shell = await openTestShell({ host: handle.host, port: handle.port, privateKey });
  shells.push(shell);
  return shell;
}

function connectOnce(handle: VyosRouterHandle, auth: Partial<ssh2.ConnectConfig>): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => {
      client.end();
      resolve();
    });
    client.once('error', (err) => reject(err));
    client.connect({
      host: handle.host,
      port: handle.port,
      username: 'vyos',
      readyTimeout: 5000,
      ...auth,
    });
  });
}

describe('VyOS emulator over SSH', () => {
  it(
    'shows the op prompt after the banner, echoes ' +
      'commands and accepts terminal settings silently',
    async () => {
      const handle = await start();
      const shell = await shellTo(handle);
      expect(shell.transcript).toContain('Welcome to VyOS');
      expect(shell.transcript.endsWith('vyos@hub-tokyo-a:~$ ')).toBe(true);
      expect(await shell.run('set terminal length 0')).toBe('');
      expect(await shell.run('set terminal width 512')).toBe('');
      expect(shell.transcript).toContain(
        'vyos@hub-tokyo-a:~$ set terminal length 0\r\nvyos@hub-tokyo-a:~$ ',
      );
      expect(await shell.run('terminal length 0')).toContain('Invalid command: [terminal]');
      expect(await shell.run('restart vpn')).toContain('Invalid command: restart [vpn]');
      expect(await shell.run('show configuration commands | match host-name')).toBe(
        "set system host-name 'hub-tokyo-a'",
      );
    },
  );

  it('runs configure, set, compare commands, commit-confirm, confirm, save and exit', async () => {
    const handle = await start();
    const commits: string[][] = [];
    handle.router.on('commit', (event: { lines: string[] }) => commits.push(event.lines));
    const shell = await shellTo(handle);
    expect(await shell.run('configure')).toBe('');
    expect(shell.transcript.endsWith('[edit]\r\nvyos@hub-tokyo-a# ')).toBe(true);
    expect(
      await shell.run(`set interfaces wireguard wg0 peer alice public-key '${WG_ALICE.publicKey}'`),
    ).toBe('');
    expect(
      await shell.run("set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'"),
    ).toBe('');
    expect(await shell.run('compare commands')).toBe(
      [
        "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
        `set interfaces wireguard wg0 peer alice public-key '${WG_ALICE.publicKey}'`,
      ].join('\n'),
    );
    const question = await shell.run('commit-confirm 5', /Proceed \? \[Y\/n\] $/);
    expect(question).toContain(
      'commit-confirm will automatically reboot in 5 minutes unless changes\nare confirmed.',
    );
    expect(await shell.run('y')).toBe(
      'Initialized commit-confirm; 5 minutes to confirm before reboot',
    );
    expect(commits).toHaveLength(1);
    expect(handle.router.activeLines()).toContain(
      "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
    );
    expect(await shell.run('commit-confirm', /(Proceed|# $)/)).toContain(
      'Another confirm is pending',
    );
    expect(await shell.run('confirm')).toBe('Reboot timer stopped');
    expect(await shell.run('confirm')).toBe('No confirm pending');
    expect(await shell.run('compare')).toBe(
      'No changes between working and active configurations.',
    );
    expect(await shell.run('commit')).toBe('No configuration changes to commit');
    expect(handle.router.savedLines()).not.toContain(
      "set interfaces wireguard wg0 peer alice allowed-ips '10.250.0.10/32'",
    );
    expect(await shell.run('save')).toBe('');
    expect(handle.router.savedLines()).toEqual(handle.router.activeLines());
    expect(await shell.run('exit')).toBe('');
    expect(shell.transcript.endsWith('vyos@hub-tokyo-a:~$ ')).toBe(true);
    await shell.run('exit', /logout\r\n$/);
  });

  it(
    'refuses exit with uncommitted changes, reports ' + 'set/delete/commit failures with VyOS text',
    async () => {
      const handle = await start();
      const shell = await shellTo(handle);
      await shell.run('configure');
      expect(await shell.run('set interfaces wireguard wg0 peer alice peeer x')).toBe(
        '\n  Configuration path: interfaces wireguard wg0 ' +
          'peer alice [peeer] is not valid\n  Set failed\n',
      );
      expect(await shell.run('delete interfaces wireguard wg0 peer nobody')).toContain(
        'Delete failed',
      );
      expect(
        await shell.run(
          `set interfaces wireguard wg0 peer BRANCH1 public-key ${WG_ALICE.publicKey}`,
        ),
      ).toBe('');
      expect(await shell.run('exit')).toBe(
        "Cannot exit: configuration modified.\nUse 'exit discard' to discard the changes and exit.",
      );
      expect(shell.transcript.endsWith('# ')).toBe(true);
      const failed = await shell.run('commit');
      expect(failed.split('\n').slice(-2)).toEqual([
        '[[interfaces wireguard wg0]] failed',
        'Commit failed',
      ]);
      expect(failed).toContain('Wireguard allowed-ips required for peer "BRANCH1"!');
      expect(handle.router.activeLines().join('\n')).not.toContain('BRANCH1');
      await shell.run('exit discard');
      expect(shell.transcript.endsWith('vyos@hub-tokyo-a:~$ ')).toBe(true);
    },
  );

  it(
    'a commit-confirm whose commit fails prints ' + 'only the failure and arms no reboot timer',
    async () => {
      const handle = await start();
      const shell = await shellTo(handle);
      await shell.run('configure');
      // A WireGuard peer without allowed-ips passes `set` but fails the commit's validation.
      await shell.run(`set interfaces wireguard wg0 peer BRANCH1 public-key ${WG_ALICE.publicKey}`);
      await shell.run('commit-confirm 1', /Proceed \? \[Y\/n\] $/);
      const failed = await shell.run('y');
      expect(failed).not.toContain('Initialized commit-confirm');
      expect(failed.split('\n').slice(-2)).toEqual([
        '[[interfaces wireguard wg0]] failed',
        'Commit failed',
      ]);
      expect(handle.router.confirmPending).toBe(false);
      expect(await shell.run('confirm')).toBe('No confirm pending');
      expect(handle.router.activeLines().join('\n')).not.toContain('BRANCH1');
      // With nothing pending, a valid commit-confirm afterwards is not refused as "Another
      // confirm is pending".
      await shell.run("set interfaces wireguard wg0 peer BRANCH1 allowed-ips '10.250.0.12/32'");
      await shell.run('commit-confirm 1', /Proceed/);
      expect(await shell.run('y')).toBe(
        'Initialized commit-confirm; 1 minutes to confirm before reboot',
      );
      expect(await shell.run('confirm')).toBe('Reboot timer stopped');
    },
  );

  it('reboots into the saved configuration when a commit-confirm is not confirmed', async () => {
    // A "minute" of 1 s: the host name is read back before the reboot however slow the machine.
    const handle = await start({ minuteMs: 1000, rebootMs: 100 });
    const shell = await shellTo(handle);
    const rebooted = new Promise<void>((resolve) => handle.router.once('boot', () => resolve()));
    await shell.run('configure');
    await shell.run("set system host-name 'changed'");
    await shell.run('commit-confirm 1', /Proceed/);
    expect(await shell.run('')).toBe(
      'Initialized commit-confirm; 1 minutes to confirm before reboot',
    );
    expect(handle.router.hostName).toBe('changed');
    await rebooted;
    expect(shell.closed).toBe(true);
    expect(handle.router.hostName).toBe('hub-tokyo-a');
    const again = await shellTo(handle);
    expect(await again.run('show configuration commands | match host-name')).toBe(
      "set system host-name 'hub-tokyo-a'",
    );
  });

  it('refuses unknown keys and passwords', async () => {
    const handle = await start();
    await expect(connectOnce(handle, { privateKey: generateUserKey().privateKey })).rejects.toThrow(
      /authentication/i,
    );
    await expect(connectOnce(handle, { password: 'vyos' })).rejects.toThrow(/authentication/i);
    await expect(connectOnce(handle, { privateKey: USER_KEY.privateKey })).resolves.toBeUndefined();
  });

  it(
    'drops sessions and refuses connections while ' +
      'powered off, and boots with the saved config',
    async () => {
      const handle = await start();
      const shell = await shellTo(handle);
      await shell.run('configure');
      await shell.run("set system host-name 'unsaved'");
      await shell.run('commit');
      handle.powerOff();
      await expect(shell.waitFor(/never/)).rejects.toThrow(/closed/);
      await expect(connectOnce(handle, { privateKey: USER_KEY.privateKey })).rejects.toThrow();
      handle.powerOn();
      const back = await shellTo(handle);
      expect(back.transcript.endsWith('vyos@hub-tokyo-a:~$ ')).toBe(true);
    },
  );

  it('makes a second commit wait for the lock held by another session', async () => {
    // The first commit holds the lock long enough for the second session's command to arrive.
    const handle = await start({ commitMs: 1500 });
    const first = await shellTo(handle);
    const second = await shellTo(handle);
    await first.run('configure');
    await second.run('configure');
    await first.run("set system host-name 'one'");
    await second.run("set system host-name 'two'");
    first.stream.write('commit\n');
    await first.waitFor(/commit\r\n/);
    expect(await second.run('commit')).toBe(
      'Configuration system temporarily locked due to another commit in progress',
    );
    await first.waitFor(/# $/);
    expect(handle.router.hostName).toBe('one');
  });

  it('renders status outputs from the configuration and a custom live state', async () => {
    const handle = await start();
    const live: RouterLiveState = {
      ipsecSa: (peer) =>
        peer === 'OFFICE'
          ? { up: false, installing: true }
          : {
              up: true,
              uptimeSeconds: 2 * 86400 + 7 * 3600 + 34 * 60 + 23,
              bytesIn: 3 * 1024 ** 3,
              bytesOut: 1024 ** 3,
              packetsIn: 2_000_000,
              packetsOut: 1_000_000,
            },
      wireguardPeer: () => ({
        handshakeSecondsAgo: 72,
        endpoint: '203.0.113.10:51820',
        rxBytes: 19_000_000,
        txBytes: 2_569_000,
      }),
      bgpNeighbor: () => ({ state: 'Active' }),
      loadavg: () => [1.5, 0.9, 0.4],
      uptimeSeconds: () => 2 * 604800 + 3 * 86400 + 4 * 3600 + 12 * 60 + 5,
    };
    handle.router.setLive(live);
    const shell = await shellTo(handle);
    const sa = (await shell.run('show vpn ipsec sa')).split('\n');
    expect(sa[0]).toMatch(
      /^Connection\s+State\s+Uptime\s+Bytes In\/Out\s+Packets In\/Out\s+Remote address\s+Remote ID\s+Proposal$/,
    );
    expect(sa[2]).toMatch(
      /^OFFICE-tunnel-0\s+down\s+N\/A\s+N\/A\s+N\/A\s+203\.0\.113\.10\s+203\.0\.113\.10\s+N\/A$/,
    );
    expect(sa[3]).toMatch(
      /^us-east-1-vti\s+up\s+2d7h34m23s\s+3G\/1G\s+2M\/1M\s+198\.51\.100\.7\s+198\.51\.100\.7\s+AES_CBC_256\/HMAC_SHA2_256_128\/MODP_2048$/,
    );
    const wg = await shell.run('show interfaces wireguard wg0 summary');
    expect(wg).toContain(
      `peer: ${WG_BOB.publicKey}\n  endpoint: 203.0.113.10:51820\n  allowed ips: ` +
        '10.250.0.11/32\n  latest handshake: 1 minute, 12 seconds ago\n  transfer: ' +
        '18.12 MiB received, 2.45 MiB sent\n  persistent keepalive: every 25 seconds',
    );
    expect(wg).toContain(`  public key: ${WG_HUB.publicKey}`);
    const bgp = await shell.run('show ip bgp summary');
    expect(bgp).toContain('BGP router identifier 169.254.10.2, local AS number 65000 vrf-id 0');
    expect(bgp).toMatch(
      /169\.254\.10\.1\s+4\s+64512\s+0\s+0\s+0\s+0\s+0\s+never\s+Active\s+0 N\/A/,
    );
    expect(await shell.run('show system uptime')).toBe(
      'Uptime: 2w 3d 4h 12m 5s\n\nLoad averages:\n1  ' +
        'minute:   75.0%\n5  minutes:  45.0%\n15 minutes:  20.0%',
    );
    expect(await shell.run('cat /proc/loadavg')).toMatch(/^1\.50 0\.90 0\.40 /);
    expect(await shell.run('reset vpn ipsec site-to-site peer us-east-1 vti')).toBe(
      'Peer us-east-1 terminate result: success\nPeer us-east-1 initiate result: success',
    );
    expect(await shell.run('restart ipsec')).toBe('IPsec process restarted');
  });

  it(
    'says IPsec is not running and BGP is absent ' + 'when nothing is configured, and runs exec',
    async () => {
      const handle = await start({ baseConfig: ["set system host-name 'bare'"] });
      const shell = await shellTo(handle);
      expect(await shell.run('show vpn ipsec sa')).toBe('IPsec not initialized');
      expect(await shell.run('show ip bgp summary')).toBe('% BGP instance not found');
      const output = await new Promise<string>((resolve, reject) => {
        shell.client.exec('show configuration commands', (err, stream) => {
          if (err) return reject(err);
          let text = '';
          stream.on('data', (d: Buffer) => (text += d.toString()));
          stream.on('close', () => resolve(text));
        });
      });
      expect(output).toBe("set system host-name 'bare'\n");
    },
  );
});
