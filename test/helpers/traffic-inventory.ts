import { readFileSync } from 'node:fs';

/**
 * The example inventory with roles on its networks (production and staging VPCs, the hub VPC
 * `shared`, the hub's WireGuard pool `developers`) and the given `traffic:` section (YAML).
 */
export function withTraffic(traffic: string, roles = true): string {
  let text = readFileSync('examples/flatnet.yml', 'utf8');
  if (roles) {
    text = text
      .replace(
        /name: production, cidr: (\S+) \}/g,
        'name: production, cidr: $1, role: production }',
      )
      .replace(/name: staging, cidr: (\S+) \}/g, 'name: staging, cidr: $1, role: staging }')
      .replace('name: hub, cidr: 10.0.0.0/16 }', 'name: hub, cidr: 10.0.0.0/16, role: shared }')
      .replace('      publicKey: h1Hk', '      role: developers\n      publicKey: h1Hk');
  }
  return `${text}\ntraffic:\n${traffic.replace(/^/gm, '  ')}\n`;
}
