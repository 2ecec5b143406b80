import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../src/net/cidr.js';
import { longestMatchIndexed } from '../../src/reach/prefix-index.js';
import { longestMatch } from '../../src/reach/router-tables.js';

const prefixOf = (r: { prefix: string }) => r.prefix;

describe('longest-prefix match from an index', () => {
  it('answers what a scan of the list answers, first of equal prefixes included', () => {
    const routes = [
      { prefix: '0.0.0.0/0', via: 'default' },
      { prefix: '10.0.0.0/8', via: 'aggregate' },
      { prefix: '10.128.0.0/10', via: 'extras' },
      { prefix: '10.128.16.0/20', via: 'first' },
      { prefix: '10.128.16.7/20', via: 'same network, later' },
      { prefix: '169.254.224.0/30', via: 'vti1000' },
      { prefix: 'not a prefix', via: 'skipped' },
      { prefix: '10.128.17.10/32', via: 'host' },
    ];
    // Addresses around every boundary of the list, and a spread of others.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const probes = [
      '10.128.17.10',
      '10.128.17.11',
      '10.128.31.255',
      '10.128.32.0',
      '10.191.255.255',
      '10.192.0.0',
      '169.254.224.3',
      '169.254.224.4',
      '11.0.0.0',
      ...Array.from({ length: 2000 }, () => formatIpv4(random())),
    ];
    for (const ip of probes) {
      const n = parseIpv4(ip)!;
      expect(longestMatchIndexed(routes, prefixOf, n)?.via, ip).toBe(
        longestMatch(routes, prefixOf, n)?.via,
      );
    }
    expect(longestMatchIndexed(routes, prefixOf, parseIpv4('10.128.20.1')!)?.via).toBe('first');
    expect(longestMatchIndexed(routes.slice(1), prefixOf, parseIpv4('11.0.0.1')!)).toBeUndefined();
  });
});
