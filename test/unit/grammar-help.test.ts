/**
 * Help and parser from one source: every usage line in `/vpn help` and `/router help` names
 * exactly the options its subcommand accepts, found by asking the parser itself, and every
 * refusal's usage hint is the help's own line.
 */
import { describe, expect, it } from 'vitest';
import { HELP_ENTRIES } from '../../src/grammar/help-entries.js';
import { parseCommand } from '../../src/grammar/parse-command.js';

const KEY = 'kHtJtYCNhcDmLcURnFbnqTwtzrN/sgAtzvHYlXX+RGg=';
/** A valid command for each help entry, by its id: the probe adds one option to it. */
const EXAMPLES: Record<string, string> = {
  status: 'status',
  reach: 'reach us-east-1/production site/office',
  'add-peer': 'add-peer dana',
  'add-peer-ipsec': 'add-peer branch ipsec --remote 203.0.113.7 --subnets 192.168.50.0/24',
  'remove-peer': 'remove-peer dana',
  'reissue-peer': 'reissue-peer dana',
  peers: 'peers',
  'attach-vpc': 'attach-vpc vpc-0a1b2c3d --region us-east-1',
  'sync-standby': 'sync-standby',
  policy: 'policy apply',
  help: 'help',
  'router-status': 'status hub-tokyo-a',
  scaleup: 'scaleup hub-tokyo-a',
  scaledown: 'scaledown hub-tokyo-a',
  failover: 'failover hub-tokyo-a',
  failback: 'failback hub-tokyo-a',
  history: 'history',
  monitor: 'monitor',
};
const VALUES: Record<string, string> = {
  type: 'c5.xlarge',
  pubkey: KEY,
  router: 'hub-tokyo-a',
  remote: '203.0.113.9',
  subnets: '192.168.60.0/24',
  bgp: '65010',
  mode: 'route',
  region: 'us-east-1',
  port: 'tcp/22',
};
const OPTIONS = [...Object.keys(VALUES), 'dry-run'];

function accepts(command: string, text: string, option: string): boolean {
  // Drop the option from the example first, so that "given twice" never answers for it.
  const base = text.replace(new RegExp(`--${option} \\S+`), '').trim();
  const value = VALUES[option] ? ` ${VALUES[option]}` : '';
  const parsed = parseCommand(command, `${base} --${option}${value}`);
  return parsed.ok || !parsed.message.includes('is not an option');
}

describe('/vpn help and /router help', () => {
  it.each(HELP_ENTRIES.map((e) => [`${e.command} ${e.usage}`, e] as const))(
    '%s names exactly the options the parser accepts',
    (_, entry) => {
      const example = EXAMPLES[entry.id];
      expect(example, `an example for ${entry.id}`).toBeDefined();
      expect(parseCommand(entry.command, example!).ok, example).toBe(true);
      const accepted = OPTIONS.filter((o) => accepts(entry.command, example!, o));
      const named = [...entry.usage.matchAll(/--([a-z-]+)/g)].map((m) => m[1]);
      expect(new Set(named)).toEqual(new Set(accepted));
    },
  );

  it('answers a wrong command with the help line of that subcommand, word for word', () => {
    for (const entry of HELP_ENTRIES.filter((e) => e.id !== 'help')) {
      const parsed = parseCommand(entry.command, `${EXAMPLES[entry.id]} --bogus`);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.hint).toContain(`${entry.command} ${entry.usage}`);
    }
  });
});
