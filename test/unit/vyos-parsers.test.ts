import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlatnetError } from '../../src/errors.js';
import { parseBgpSummary } from '../../src/vyos/parse-bgp-summary.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { parseIpsecSa } from '../../src/vyos/parse-ipsec-sa.js';
import { parseLoadavg } from '../../src/vyos/parse-loadavg.js';
import { parseSystemUptime } from '../../src/vyos/parse-system-uptime.js';
import { parseWireguardSummary } from '../../src/vyos/parse-wireguard-summary.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/vyos/${name}`, import.meta.url), 'utf8');
/** What a PTY really sends: CRLF, colour codes, erase-line. */
const asTerminal = (text: string) =>
  `\x1b[?1h\x1b=${text.replace(/\n/g, '\x1b[K\r\n').replace(/\bup\b/g, '\x1b[32mup\x1b[0m')}` +
  '\x1b[?1l\x1b>';

describe('parseIpsecSa', () => {
  it('reads the 1.4 table, including a down row with no uptime', () => {
    const { sas, processRunning } = parseIpsecSa(fixture('ipsec-sa-1.4.txt'));
    expect(processRunning).toBe(true);
    expect(sas).toHaveLength(3);
    expect(sas[0]).toEqual({
      connection: 'OFFICE-tunnel-0',
      peer: 'OFFICE',
      tunnel: 'tunnel-0',
      state: 'up',
      uptimeSeconds: 2 * 3600 + 15 * 60 + 23,
      bytesIn: 45 * 1024 ** 2,
      bytesOut: 8 * 1024 ** 2,
      packetsIn: 61_000,
      packetsOut: 40_000,
      remoteAddress: '203.0.113.10',
      remoteId: '203.0.113.10',
      proposal: 'AES_CBC_256/HMAC_SHA2_256_128/MODP_2048',
    });
    expect(sas[1]).toMatchObject({
      connection: 'aws-tun2-vti',
      peer: 'aws-tun2',
      tunnel: 'vti',
      state: 'down',
      bytesIn: 0,
      remoteAddress: '52.1.2.4',
    });
    expect(sas[1]).not.toHaveProperty('uptimeSeconds');
    expect(sas[1]).not.toHaveProperty('proposal');
    expect(sas[2]).toMatchObject({
      peer: 'us-east-1',
      uptimeSeconds: 2 * 86400 + 7 * 3600 + 34 * 60 + 23,
      bytesIn: 3 * 1024 ** 3,
    });
  });

  it('reads the same table through a terminal (CRLF, colours, erase-line)', () => {
    expect(parseIpsecSa(asTerminal(fixture('ipsec-sa-1.4.txt')))).toEqual(
      parseIpsecSa(fixture('ipsec-sa-1.4.txt')),
    );
  });

  it('reads the old per-peer block format (bytes are Out/In there)', () => {
    const { sas } = parseIpsecSa(fixture('ipsec-sa-old.txt'));
    expect(sas).toHaveLength(2);
    expect(sas[0]).toMatchObject({
      connection: '203.0.113.2-tunnel-0',
      state: 'up',
      uptimeSeconds: 567,
      bytesOut: Math.round(7.5 * 1024 ** 2),
      bytesIn: Math.round(230.6 * 1024),
    });
    expect(sas[1]).toMatchObject({ state: 'down', bytesIn: 0 });
  });

  it('reports a stopped IPsec process as a flag, not as an error', () => {
    expect(parseIpsecSa('IPsec process not running\r\n')).toEqual({
      sas: [],
      processRunning: false,
    });
  });

  it('reads a header-only table and empty output as no SAs', () => {
    const headerOnly = fixture('ipsec-sa-1.4.txt').split('\n').slice(0, 2).join('\n');
    expect(parseIpsecSa(headerOnly).sas).toEqual([]);
    expect(parseIpsecSa('').sas).toEqual([]);
  });

  it('refuses garbage with a FlatnetError naming the command', () => {
    expect(() => parseIpsecSa('\x00\x01 lorem ipsum\nfoo')).toThrow(FlatnetError);
    expect(() => parseIpsecSa('Invalid command: show vpn [ipsec]')).toThrow(
      /show vpn ipsec sa.*Invalid command/,
    );
    const head = fixture('ipsec-sa-1.4.txt').split('\n').slice(0, 2).join('\n');
    const garbled = `${head}\n%%%% @@@ ###\n`;
    expect(() => parseIpsecSa(garbled)).toThrow(FlatnetError);
  });
});

describe('parseWireguardSummary', () => {
  it('reads the 1.4 wg show format (peers by key, absent fields when zero)', () => {
    const wg = parseWireguardSummary(asTerminal(fixture('wireguard-1.4.txt')));
    expect(wg.interface).toBe('wg0');
    expect(wg.publicKey).toBe('h1HkYlSuHdJN6Qv4Hz4bBzjGg5WUty+U1L7DJsZy1iE=');
    expect(wg.listeningPort).toBe(51820);
    expect(wg.peers).toHaveLength(2);
    expect(wg.peers[0]).toEqual({
      publicKey: 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=',
      endpoint: '203.0.113.10:51820',
      allowedIps: ['10.250.0.10/32'],
      latestHandshakeSeconds: 72,
      bytesReceived: Math.round(18.12 * 1024 ** 2),
      bytesSent: Math.round(2.45 * 1024 ** 2),
      persistentKeepaliveSeconds: 25,
    });
    expect(wg.peers[1]).toEqual({
      publicKey: '2Pp3wZf2G9mCj1rBd5qS1rW0P8b9nZ0xv6mG7m3yQ2A=',
      allowedIps: ['10.250.0.11/32', '10.250.1.0/24'],
      bytesReceived: 0,
      bytesSent: 0,
    });
  });

  it('reads the 1.5 named format', () => {
    const wg = parseWireguardSummary(fixture('wireguard-1.5.txt'));
    expect(wg.peers.map((p) => p.name)).toEqual(['alice', 'bob']);
    expect(wg.peers[0]).toMatchObject({
      publicKey: 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=',
      latestHandshakeSeconds: 72,
      bytesReceived: 18_000_000,
      bytesSent: 2_000_000,
    });
    expect(wg.peers[1]).not.toHaveProperty('latestHandshakeSeconds');
  });

  it('reads longer handshakes and an interface without peers', () => {
    const text =
      'interface: wg1\n  listening port: 51821\n\npeer: ' +
      'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=\n  latest ' +
      'handshake: 2 days, 1 hour, 3 minutes, 4 seconds ago\n';
    expect(parseWireguardSummary(text, 'wg1').peers[0]?.latestHandshakeSeconds).toBe(
      2 * 86400 + 3600 + 3 * 60 + 4,
    );
    expect(parseWireguardSummary('interface: wg0\n  listening port: 51820\n').peers).toEqual([]);
  });

  it('refuses garbage and CLI errors clearly', () => {
    expect(() => parseWireguardSummary('Invalid command: show interfaces wireguard [wg9]')).toThrow(
      /wg0 summary.*Invalid command/,
    );
    expect(() => parseWireguardSummary('}}}{{{')).toThrow(FlatnetError);
  });
});

describe('parseBgpSummary', () => {
  it('reads FRR 9.1 with Desc, Active and Idle (Admin)', () => {
    const bgp = parseBgpSummary(asTerminal(fixture('bgp-summary-frr9.txt')));
    expect(bgp).not.toBeNull();
    expect(bgp!.routerId).toBe('192.0.2.1');
    expect(bgp!.localAs).toBe(65000);
    expect(bgp!.neighbors).toEqual([
      {
        address: '169.254.10.1',
        remoteAs: 64512,
        upDown: '1d02h13m',
        upDownSeconds: 86400 + 2 * 3600 + 13 * 60,
        state: 'Established',
        prefixesReceived: 4,
        prefixesSent: 6,
      },
      {
        address: '169.254.11.1',
        remoteAs: 64512,
        upDown: 'never',
        state: 'Active',
        prefixesSent: 0,
      },
      {
        address: '10.255.1.1',
        remoteAs: 65001,
        upDown: '00:12:40',
        upDownSeconds: 760,
        state: 'Idle (Admin)',
        prefixesSent: 0,
        description: 'us-east-1',
      },
    ]);
  });

  it('reads FRR 7.5 without PfxSnt and Desc', () => {
    const bgp = parseBgpSummary(fixture('bgp-summary-frr7.txt'));
    expect(bgp!.neighbors).toEqual([
      {
        address: '169.254.20.1',
        remoteAs: 64512,
        upDown: '05:01:02',
        upDownSeconds: 5 * 3600 + 62,
        state: 'Established',
        prefixesReceived: 2,
      },
      { address: '169.254.21.1', remoteAs: 64512, upDown: 'never', state: 'Connect' },
    ]);
  });

  it('returns null when BGP is not configured', () => {
    expect(parseBgpSummary('% BGP instance not found\r\n')).toBeNull();
  });

  it('refuses garbage', () => {
    expect(() => parseBgpSummary('random words\nmore words')).toThrow(FlatnetError);
  });
});

describe('parseLoadavg and parseSystemUptime', () => {
  it('reads /proc/loadavg', () => {
    expect(parseLoadavg('0.52 1.58 0.59 1/389 12345\r\n')).toEqual({
      load1: 0.52,
      load5: 1.58,
      load15: 0.59,
    });
    expect(() => parseLoadavg('cat: /proc/loadavg: No such file or directory')).toThrow(
      /cat \/proc\/loadavg/,
    );
    expect(() => parseLoadavg('')).toThrow(FlatnetError);
  });

  it('reads show system uptime (1.4) and the classic uptime line', () => {
    expect(parseSystemUptime(asTerminal(fixture('system-uptime-1.4.txt')))).toEqual({
      uptimeSeconds: 2 * 7 * 86400 + 3 * 86400 + 4 * 3600 + 12 * 60 + 5,
      loadPercent: { load1: 2.5, load5: 1.8, load15: 1.2 },
    });
    expect(
      parseSystemUptime(' 10:01:02 up 3 days,  4:12,  1 user,  load average: 0.1, 0.2, 0.3')
        .uptimeSeconds,
    ).toBe(3 * 86400 + 4 * 3600 + 12 * 60);
    expect(() => parseSystemUptime('nonsense')).toThrow(FlatnetError);
  });
});

describe('parseConfigCommands', () => {
  it('tells values (quoted) from tag words and valueless nodes', () => {
    const lines = parseConfigCommands(asTerminal(fixture('config-commands.txt')));
    expect(lines).toHaveLength(20);
    expect(lines[0]).toEqual({
      op: 'set',
      path: ['interfaces', 'ethernet', 'eth0', 'address'],
      value: 'dhcp',
    });
    expect(lines).toContainEqual({
      op: 'set',
      path: ['protocols', 'bgp', 'neighbor', '169.254.10.1', 'address-family', 'ipv4-unicast'],
    });
    expect(lines).toContainEqual({
      op: 'set',
      path: ['system', 'login', 'banner', 'pre-login'],
      value: 'Authorised use only',
    });
  });

  it('reads values as VyOS renders them: a \' left as is, \\" \\\\ \\n \\t \\ddd escaped', () => {
    // vyos1x-config Renderer.render_commands: "'" ^ Util.escape_string value ^ "'".
    const text = [
      "set interfaces ethernet eth1 description 'outside (EIP) & NAT!'",
      "set interfaces ethernet eth2 description 'Bob's office'",
      'set interfaces ethernet eth3 description \'say \\"hi\\" C:\\\\x\'',
      "set system login banner post-login 'line1\\nline2\\tend\\001'",
      "set interfaces ethernet eth4 description ' ' '",
    ].join('\n');
    expect(parseConfigCommands(text).map((l) => l.value)).toEqual([
      'outside (EIP) & NAT!',
      "Bob's office",
      'say "hi" C:\\x',
      'line1\nline2\tend\x01',
      " ' ",
    ]);
    expect(parseConfigCommands(text)[1]!.path).toEqual([
      'interfaces',
      'ethernet',
      'eth2',
      'description',
    ]);
  });

  it('returns nothing for empty output and refuses non-config text', () => {
    expect(parseConfigCommands('')).toEqual([]);
    expect(() => parseConfigCommands('Invalid command: show [configurashun]')).toThrow(
      FlatnetError,
    );
  });
});
