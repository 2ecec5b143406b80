/**
 * Commands typed ahead in one write come back as one transcript: echo, output, prompt, the
 * next echo… Each command must get its own output, and an unfinished transcript none.
 */
import { describe, expect, it } from 'vitest';
import { splitAtPrompts } from '../../src/vyos/split-at-prompts.js';

const P = 'vyos@hub-tokyo-a:~$ ';
const transcript = [
  'show vpn ipsec sa',
  'Connection    State    Uptime',
  '------------  -------  --------',
  'peer-office   up       3h2m',
  '',
  `${P}cat /proc/loadavg`,
  '0.08 0.05 0.01 1/120 4242',
  `${P}show ip bgp summary`,
  '% No BGP neighbors found in VRF default',
  P,
].join('\n');
const commands = ['show vpn ipsec sa', 'cat /proc/loadavg', 'show ip bgp summary'];

describe('splitAtPrompts', () => {
  it('gives each command typed ahead its own output, echo and blank lines dropped', () => {
    expect(splitAtPrompts(transcript, commands)).toEqual({
      mode: 'op',
      outputs: [
        [
          'Connection    State    Uptime',
          '------------  -------  --------',
          'peer-office   up       3h2m',
        ].join('\n'),
        '0.08 0.05 0.01 1/120 4242',
        '% No BGP neighbors found in VRF default',
      ],
    });
  });

  it('waits while a prompt between two commands is the last thing that arrived', () => {
    const cut = transcript.slice(0, transcript.indexOf(`${P}show ip bgp`) + P.length);
    expect(splitAtPrompts(cut, commands)).toBeUndefined();
    expect(splitAtPrompts(transcript.slice(0, -3), commands)).toBeUndefined();
  });

  it('says which prompt the shell ended on: configure leaves it in config mode', () => {
    const text = `set terminal length 0\n${P}configure\n[edit]\nvyos@hub-tokyo-a# `;
    expect(splitAtPrompts(text, ['set terminal length 0', 'configure'])).toEqual({
      mode: 'config',
      outputs: ['', ''],
    });
  });

  it('does not take a prompt-like configuration value for a prompt', () => {
    const text = [
      'show configuration commands',
      "set interfaces ethernet eth0 description 'vyos@evil:~$ '",
      P,
    ].join('\n');
    expect(splitAtPrompts(text, ['show configuration commands'])?.outputs).toEqual([
      "set interfaces ethernet eth0 description 'vyos@evil:~$ '",
    ]);
  });
});
