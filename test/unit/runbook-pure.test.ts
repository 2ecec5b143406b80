import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { describeRefusal } from '../../src/runbook/describe-refusal.js';
import { describeBusyTarget, listWords } from '../../src/runbook/describe-run.js';
import { findSecretField } from '../../src/runbook/find-secret-field.js';
import { makeRunId, RUN_ID_PATTERN } from '../../src/runbook/make-run-id.js';
import { formatClock, formatDuration } from '../../src/util/format-time.js';
import { assertNoSecrets } from '../../src/runbook/run-store.js';
import type { Run } from '../../src/runbook/types.js';
import { buildRun } from '../support/build-run.js';

const at = Date.UTC(2025, 0, 6, 14, 2);

function run(overrides: Partial<Run> = {}): Run {
  return buildRun({
    params: { type: 'c5.xlarge' },
    requester: 'U1',
    origin: { kind: 'slack', channel: 'C1' },
    status: 'awaiting-approval',
    createdAt: at,
    updatedAt: at,
    approval: {
      approvers: ['U2', 'U3'],
      distinctApprovers: 1,
      allowSelfApproval: false,
      expiresAt: at + 30 * 60_000,
    },
    ...overrides,
  });
}

describe('run ids', () => {
  it('are r- plus 6 characters without look-alikes, and valid BullMQ job id stems', () => {
    for (let i = 0; i < 500; i++) {
      const id = makeRunId();
      expect(id).toMatch(RUN_ID_PATTERN);
      expect(id).not.toMatch(/[01ilo:]/);
    }
  });
});

describe('secret guard', () => {
  it('finds secret field names anywhere, case-insensitively, and PEM/WireGuard text', () => {
    expect(findSecretField({ steps: [{ result: { peer: { PrivateKey: 'x' } } }] })).toBe(
      'steps[0].result.peer.PrivateKey',
    );
    expect(findSecretField({ params: { psk: 'abc' } })).toBe('params.psk');
    expect(findSecretField({ detail: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc' })).toBe('detail');
    expect(findSecretField({ config: '[Interface]\nPrivateKey = abc=' })).toBe('config');
    expect(
      findSecretField({ publicKey: 'abc=', clientToken: 'r-7k2m9q-launch', privateKey: '' }),
    ).toBeUndefined();
  });

  it('never flags records built from harmless words', () => {
    const harmless = fc.dictionary(
      fc.constantFrom('name', 'publicKey', 'address', 'type', 'region'),
      fc.string(),
    );
    fc.assert(
      fc.property(
        harmless,
        (params) =>
          findSecretField(params) === undefined ||
          /PrivateKey|PRIVATE KEY|PresharedKey/i.test(JSON.stringify(params)),
      ),
    );
  });

  it('refuses to store such a record, naming the field and not the value', () => {
    const leaky = run({ params: { presharedKey: 'hunter2' } });
    expect(() => assertNoSecrets(leaky)).toThrow(
      'refusing to store run r-7k2m9q: params.presharedKey looks like a secret',
    );
    try {
      assertNoSecrets(leaky);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('hunter2');
    }
  });
});

describe('words for people', () => {
  it('formats times in UTC, durations and lists', () => {
    expect(formatClock(at)).toBe('14:02 UTC');
    expect(formatDuration(30 * 60_000, 'whole')).toBe('30 min');
    expect(formatDuration(2 * 3600_000, 'whole')).toBe('2 h');
    expect(formatDuration(4_000, 'whole')).toBe('4 s');
    // The other two styles, from the same function.
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration((2 * 86400 + 7 * 3600 + 59) * 1000, 'compact')).toBe('2d7h');
    expect(formatDuration(42_000, 'compact')).toBe('42s');
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('says who holds a busy target and since when', () => {
    expect(
      describeBusyTarget('hub-tokyo-a', {
        runId: 'r-7k2m9q',
        kind: 'scaleup',
        requester: 'U1',
        since: at,
      }),
    ).toBe(
      'hub-tokyo-a is busy: r-7k2m9q (scaleup by <@U1>, ' +
        'since 14:02 UTC) — try again when it finishes',
    );
  });

  it('rebuilds the command that asks for a run again', () => {
    expect(rebuildCommandLine(run())).toBe('/router scaleup hub-tokyo-a --type c5.xlarge');
    // Only the options the kind has: a stray parameter is never echoed as an option the grammar
    // would refuse.
    expect(
      rebuildCommandLine(
        run({ kind: 'add-peer', target: 'alice', params: { kind: 'wireguard', tags: ['x'] } }),
      ),
    ).toBe('/vpn add-peer alice');
    expect(
      rebuildCommandLine(
        run({
          kind: 'add-peer',
          target: 'osaka',
          params: {
            router: 'hub-tokyo-a',
            remote: '198.51.100.77',
            subnets: '172.20.0.0/16',
            mode: 'route',
          },
        }),
      ),
    ).toBe(
      '/vpn add-peer osaka ipsec --remote 198.51.100.77 ' +
        '--subnets 172.20.0.0/16 --mode route --router hub-tokyo-a',
    );
    expect(rebuildCommandLine(run({ kind: 'router-status', target: '*', params: {} }))).toBe(
      '/router status',
    );
  });

  it('explains every refused click', () => {
    const waiting = run();
    expect(describeRefusal(waiting, { code: 'self' }, rebuildCommandLine)).toBe(
      'you asked for run r-7k2m9q; another approver must approve it',
    );
    expect(describeRefusal(waiting, { code: 'not-approver' }, rebuildCommandLine)).toBe(
      'you are not an approver of run r-7k2m9q; <@U2> and <@U3> may approve it',
    );
    const expired = run({ status: 'expired' });
    expect(
      describeRefusal(expired, { code: 'not-waiting', status: 'expired' }, rebuildCommandLine),
    ).toBe(
      'run r-7k2m9q expired at 14:32 UTC (30 min); ask again ' +
        'with `/router scaleup hub-tokyo-a --type c5.xlarge`',
    );
    const approved = run({
      status: 'running',
      decisions: [{ user: 'U2', decision: 'approved', at: at + 60_000 }],
    });
    expect(
      describeRefusal(approved, { code: 'not-waiting', status: 'running' }, rebuildCommandLine),
    ).toBe('run r-7k2m9q was already approved by <@U2> at 14:03 UTC');
  });
});
