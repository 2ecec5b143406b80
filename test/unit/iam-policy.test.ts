import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EC2_ACTIONS_USED } from '../../src/aws/index.js';

describe('iam-policy.json', () => {
  it('grants exactly the EC2 actions the adapter can call: no more, no fewer', () => {
    const policy = JSON.parse(readFileSync('iam-policy.json', 'utf8')) as {
      Statement: { Effect: string; Action: string[] }[];
    };
    const granted = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
    expect([...granted].sort()).toEqual(EC2_ACTIONS_USED.map((a) => `ec2:${a}`).sort());
    // Terminating a router is never flatnet's to do: replaced routers are stopped.
    expect(granted).not.toContain('ec2:TerminateInstances');
  });
});
