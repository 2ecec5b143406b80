import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/grammar/parse-command.js';

const KEY = 'XMrlPykaxhdAAiSjhtPlvi30NVkvLQliQuKP7AI7CyI=';

function parsed(command: string, text: string) {
  const r = parseCommand(command, text);
  if (!r.ok) throw new Error(`expected ${command} ${text} to parse: ${r.message}`);
  return r.command;
}
function refused(command: string, text: string) {
  const r = parseCommand(command, text);
  if (r.ok) throw new Error(`expected ${command} ${text} to be refused`);
  return r;
}

describe('slash command grammar', () => {
  it('reads /vpn status with and without a scope', () => {
    expect(parsed('/vpn', 'status')).toEqual({ kind: 'status' });
    expect(parsed('/vpn', '  status   us-east-1 ')).toEqual({ kind: 'status', scope: 'us-east-1' });
    expect(parsed('/vpn', '')).toEqual({ kind: 'help', topic: 'vpn' });
  });

  it('refuses garbage after /vpn status with the usage', () => {
    const r = refused('/vpn', 'status us-east-1 eu-west-1');
    expect(r.message).toContain('at most one region or router');
    expect(r.hint).toContain('/vpn status [region|router]');
    expect(refused('/vpn', 'status $(reboot)').message).toContain('is not a region or router name');
    expect(refused('/vpn', 'status --verbose').message).toBe('--verbose is not an option here');
  });

  it('reads /vpn reach with two endpoints, and refuses anything else with the usage', () => {
    expect(parsed('/vpn', 'reach us-east-1/production site/office')).toEqual({
      kind: 'reach',
      from: 'us-east-1/production',
      to: 'site/office',
    });
    expect(parsed('/vpn', 'reach 10.10.2.7 wg/ops-carol')).toMatchObject({ from: '10.10.2.7' });
    expect(refused('/vpn', 'reach office').message).toBe('/vpn reach takes two endpoints, got 1');
    expect(refused('/vpn', 'reach office').hint).toContain('/vpn reach <from> <to>');
    expect(refused('/vpn', 'reach office $(reboot)').message).toContain('is not an endpoint');
    expect(refused('/vpn', 'reach ../x;ls office').message).toContain('is not an endpoint');
  });

  it('reads the router commands and their options', () => {
    expect(parsed('/router', 'scaleup hub-tokyo-a --type c5.xlarge --dry-run')).toEqual({
      kind: 'scaleup',
      router: 'hub-tokyo-a',
      type: 'c5.xlarge',
      dryRun: true,
    });
    expect(parsed('/router', 'scaledown hub-tokyo-a --type=t3.medium')).toEqual({
      kind: 'scaledown',
      router: 'hub-tokyo-a',
      type: 't3.medium',
      dryRun: false,
    });
    expect(parsed('/router', 'failover hub-tokyo-a')).toEqual({
      kind: 'failover',
      router: 'hub-tokyo-a',
      dryRun: false,
    });
    expect(parsed('/router', 'history')).toEqual({ kind: 'history' });
    expect(parsed('/router', 'status spoke-oregon')).toEqual({
      kind: 'router-status',
      router: 'spoke-oregon',
    });
    // An em dash from Slack's autocorrect is read as the -- the operator typed.
    expect(parsed('/router', 'scaleup hub-tokyo-a —dry-run')).toMatchObject({ dryRun: true });
    expect(refused('/router', 'scaleup').message).toBe('/router scaleup needs a router name');
    expect(refused('/router', 'scaleup hub --type c5;reboot').message).toContain(
      'is not an instance type',
    );
  });

  it('reads add-peer for WireGuard and IPsec peers', () => {
    expect(parsed('/vpn', 'add-peer')).toEqual({ kind: 'add-peer-modal' });
    expect(parsed('/vpn', `add-peer alice-laptop --pubkey ${KEY}`)).toEqual({
      kind: 'add-peer',
      name: 'alice-laptop',
      peer: { type: 'wireguard', publicKey: KEY },
      dryRun: false,
    });
    expect(
      parsed(
        '/vpn',
        'add-peer office ipsec --remote 203.0.113.10 ' +
          '--subnets 192.168.0.0/16,172.20.0.0/24 --bgp 65100',
      ),
    ).toEqual({
      kind: 'add-peer',
      name: 'office',
      peer: {
        type: 'ipsec',
        remote: '203.0.113.10',
        subnets: ['192.168.0.0/16', '172.20.0.0/24'],
        bgpAsn: 65100,
        mode: 'route',
      },
      dryRun: false,
    });
  });

  it('refuses hostile and malformed peer input with the rule', () => {
    for (const name of [
      'a;reboot',
      '$(reboot)',
      "o'brien",
      'аlice' /* Cyrillic а */,
      'x'.repeat(33),
      'a"b',
      'a`id`',
    ]) {
      const r = refused('/vpn', `add-peer ${name}`);
      expect(r.message).toContain('names are 1–32 letters, digits, - or _');
    }
    expect(refused('/vpn', 'add-peer bob --pubkey AAAA').message).toContain(
      'base64 of exactly 32 bytes',
    );
    expect(refused('/vpn', `add-peer bob --pubkey ${KEY.slice(1)}`).message).toContain(
      'not a WireGuard public key',
    );
    expect(
      refused('/vpn', 'add-peer office ipsec --remote 203.0.113.10 --subnets 192.168.0.0/33')
        .message,
    ).toContain('not a list of IPv4 CIDRs');
    expect(refused('/vpn', 'add-peer office ipsec --subnets 10.1.0.0/16').message).toContain(
      '--remote',
    );
    expect(
      refused('/vpn', 'add-peer office ipsec --remote 203.0.113.10 --subnets 10.1.0.0/16 --bgp 0')
        .message,
    ).toContain('--bgp');
    // The ASN must not be dropped silently: BGP needs the VTI a policy tunnel lacks.
    const policyBgp = refused(
      '/vpn',
      'add-peer partner ipsec --remote 203.0.113.20 ' +
        '--subnets 172.20.0.0/24 --mode policy --bgp 65100',
    );
    expect(policyBgp.message).toContain('--mode policy cannot carry --bgp');
    expect(policyBgp.message).toContain('BGP needs a route-based tunnel');
    expect(refused('/vpn', 'x'.repeat(10_000)).message).toContain('the limit is 1000');
  });

  it('reports every problem of an add-peer at once, each with its own fix', () => {
    const r = refused('/vpn', 'add-peer bob;x ipsec --remote nope --subnets 10.0.0.0/33 --bgp 0');
    expect(r.problems?.map((p) => p.message)).toEqual([
      '"bob;x" is not a valid peer name: names are 1–32 letters, digits, - or _',
      'an IPsec peer needs --remote with its public IPv4 address',
      '--subnets: "10.0.0.0/33" is not a list of IPv4 CIDRs',
      '--bgp must be an AS number from 1 to 4294967294',
    ]);
    expect(r.message).toBe(r.problems![0]!.message);
    expect(refused('/vpn', 'add-peer bob;x').problems).toBeUndefined();
  });

  it('reads sync-standby with or without a router, and --dry-run', () => {
    expect(parsed('/vpn', 'sync-standby')).toEqual({ kind: 'sync-standby', dryRun: false });
    expect(parsed('/vpn', 'sync-standby hub-tokyo-b --dry-run')).toEqual({
      kind: 'sync-standby',
      router: 'hub-tokyo-b',
      dryRun: true,
    });
    expect(refused('/vpn', 'sync-standby hub;reboot').message).toContain('is not a router name');
    expect(refused('/vpn', 'sync-standby a b').message).toContain('at most one router');
    expect(refused('/vpn', 'sync-standby --type c5.large').message).toContain(
      '--type is not an option here',
    );
  });

  it('reads attach-vpc and requires a region', () => {
    expect(parsed('/vpn', 'attach-vpc vpc-0abc12345 --region us-east-1')).toEqual({
      kind: 'attach-vpc',
      id: 'vpc-0abc12345',
      region: 'us-east-1',
      dryRun: false,
    });
    expect(refused('/vpn', 'attach-vpc vpc-0abc12345').message).toContain('--region');
    expect(refused('/vpn', 'attach-vpc vpc-xyz --region us-east-1').message).toContain(
      'not a VPC or VPN gateway id',
    );
  });

  it('never throws and always answers, whatever the text (10,000 random commands)', () => {
    const alphabet = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyz0123456789-_ ./,;:$()`\'"\\\n\t—–=@#<>&*'.split(''),
      'status',
      'add-peer',
      'scaleup',
      '--type',
      '--pubkey',
      '--subnets',
      '--remote',
      '--dry-run',
      'ipsec',
      'hub-tokyo-a',
      'а',
      '\u0000',
      '😀',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join(' ')),
      fc.array(alphabet, { maxLength: 60 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(fc.constantFrom('/vpn', '/router', '/other'), text, (command, t) => {
        const r = parseCommand(command, t);
        if (r.ok) return typeof r.command.kind === 'string';
        return r.message.length > 0 && r.hint.length > 0 && !r.message.includes('\n');
      }),
      { numRuns: 10_000 },
    );
  });

  it('lets no shell metacharacter through in any accepted command', () => {
    const dangerous = /[;$`'"\\|&<>\n(){}]/;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('add-peer ', 'remove-peer ', 'status ', 'attach-vpc '),
        (payload, verb) => {
          const r = parseCommand('/vpn', `${verb}${payload}`);
          return (
            !r.ok ||
            !dangerous.test(
              JSON.stringify(r.command)
                .replace(/[{}"\\]/g, '')
                .replace(/[(),]/g, ''),
            )
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('/vpn reach --port', () => {
  it('takes a tcp or udp port to try, and refuses anything else with the usage', () => {
    expect(parseCommand('/vpn', 'reach us-east-1/staging site/office --port tcp/22')).toEqual({
      ok: true,
      command: {
        kind: 'reach',
        from: 'us-east-1/staging',
        to: 'site/office',
        port: { protocol: 'tcp', port: 22 },
      },
    });
    for (const bad of ['http', 'tcp/0', 'tcp/70000', 'icmp/1']) {
      const r = parseCommand('/vpn', `reach a b --port ${bad}`);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.hint).toContain('--port tcp/22');
    }
  });
});

describe('asking again for a reach with a port, or a policy run', () => {
  it('rebuilds lines that parse back to the same request', async () => {
    const { rebuildCommandLine } = await import('../../src/grammar/rebuild-command-line.js');
    const { reachPlanner } = await import('../../jobs/reach.js');
    const reach = {
      kind: 'reach' as const,
      target: 'us-east-1/staging site/office',
      params: { from: 'us-east-1/staging', to: 'site/office', port: 'udp/53' },
    };
    const line = rebuildCommandLine(reach);
    expect(line).toBe('/vpn reach us-east-1/staging site/office --port udp/53');
    const parsed = parseCommand('/vpn', line.slice('/vpn '.length));
    if (!parsed.ok) throw new Error(parsed.message);
    const planned = await reachPlanner.plan(parsed.command, {
      inventory: {} as never,
      requester: 'U0ALICE',
    });
    expect(planned.params).toEqual(reach.params);
    for (const action of ['show', 'diff', 'apply'] as const) {
      const again = rebuildCommandLine({
        kind: `policy-${action}`,
        target: '*',
        params: {},
        dryRun: action === 'apply',
      });
      expect(again).toBe(`/vpn policy ${action}${action === 'apply' ? ' --dry-run' : ''}`);
      expect(parseCommand('/vpn', again.slice('/vpn '.length))).toEqual({
        ok: true,
        command: { kind: 'policy', action, dryRun: action === 'apply' },
      });
    }
  });
});
