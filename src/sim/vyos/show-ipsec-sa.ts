/**
 * `show vpn ipsec sa` and `show vpn ipsec connections`, generated from the configured
 * site-to-site peers and the live state: one row per child SA, `<peer>-vti` for route-based
 * peers, `<peer>-tunnel-<N>` for policy-based ones.
 *
 * As vyos-1x `src/op_mode/ipsec.py` (`_get_formatted_output_sas`) does, `show vpn ipsec sa`
 * lists only the child SAs strongSwan's VICI `list-sas` returns: a peer that is down has no
 * row at all, and a child still being negotiated shows `down` with `N/A` where VICI has no
 * value yet (install time, counters, negotiated algorithms). When charon does not answer,
 * `vyos.ipsec.get_vici_sas()` raises "IPsec not initialized", which op mode prints as is.
 */
import type { ConfigTree } from './config-tree.js';
import type { RouterLiveState } from './live-state.js';
import { bytesShort, countShort, secondsToHuman } from './format-op-units.js';
import { formatSimpleTable, naturalCompare } from './format-table.js';

/** 1.4/1.5's text when charon does not answer (1.3 printed `IPsec process not running`). */
export const IPSEC_NOT_RUNNING = 'IPsec not initialized';

export interface ChildSa {
  peer: string;
  name: string;
  espGroup?: string;
  localTs: string;
  remoteTs: string;
}

/** The child SAs strongSwan would have for the configured (not disabled) peers. */
export function listChildSas(cfg: ConfigTree): ChildSa[] {
  const children: ChildSa[] = [];
  for (const peer of cfg.names('vpn ipsec site-to-site peer')) {
    const p = `vpn ipsec site-to-site peer ${peer}`;
    if (cfg.has(`${p} disable`)) continue;
    const defaultEsp = cfg.value(`${p} default-esp-group`);
    if (cfg.has(`${p} vti`)) {
      children.push({
        peer,
        name: `${peer}-vti`,
        espGroup: cfg.value(`${p} vti esp-group`) ?? defaultEsp,
        localTs: '0.0.0.0/0',
        remoteTs: '0.0.0.0/0',
      });
    }
    for (const tunnel of cfg.names(`${p} tunnel`)) {
      const t = `${p} tunnel ${tunnel}`;
      if (cfg.has(`${t} disable`)) continue;
      children.push({
        peer,
        name: `${peer}-tunnel-${tunnel}`,
        espGroup: cfg.value(`${t} esp-group`) ?? defaultEsp,
        localTs: cfg.values(`${t} local prefix`).join(',') || '-',
        remoteTs: cfg.values(`${t} remote prefix`).join(',') || '-',
      });
    }
  }
  return children;
}

const ENCRYPTION: Record<string, string> = {
  aes128: 'AES_CBC_128',
  aes192: 'AES_CBC_192',
  aes256: 'AES_CBC_256',
  aes128gcm128: 'AES_GCM_16_128',
  aes256gcm128: 'AES_GCM_16_256',
  '3des': '3DES_CBC',
};
const INTEGRITY: Record<string, string> = {
  md5: 'HMAC_MD5_96',
  sha1: 'HMAC_SHA1_96',
  sha256: 'HMAC_SHA2_256_128',
  sha384: 'HMAC_SHA2_384_192',
  sha512: 'HMAC_SHA2_512_256',
};
const DH: Record<string, string> = {
  '2': 'MODP_1024',
  '5': 'MODP_1536',
  '14': 'MODP_2048',
  '15': 'MODP_3072',
  '16': 'MODP_4096',
  '19': 'ECP_256',
  '20': 'ECP_384',
  '21': 'ECP_521',
};

/** strongSwan's name for the negotiated ESP proposal: the group's first proposal. */
export function espProposal(cfg: ConfigTree, group: string | undefined): string {
  if (!group) return 'N/A';
  const g = `vpn ipsec esp-group ${group}`;
  const first = cfg.names(`${g} proposal`)[0];
  if (first === undefined) return 'N/A';
  const enc = cfg.value(`${g} proposal ${first} encryption`) ?? 'aes128';
  const parts = [ENCRYPTION[enc] ?? enc.toUpperCase()];
  if (!enc.includes('gcm')) {
    const hash = cfg.value(`${g} proposal ${first} hash`) ?? 'sha1';
    parts.push(INTEGRITY[hash] ?? hash.toUpperCase());
  }
  const pfs = cfg.value(`${g} pfs`);
  const dh = pfs?.startsWith('dh-group') ? DH[pfs.slice('dh-group'.length)] : undefined;
  if (dh) parts.push(dh);
  return parts.join('/');
}

function remoteOf(cfg: ConfigTree, peer: string): { address: string; id: string } {
  const p = `vpn ipsec site-to-site peer ${peer}`;
  const address = cfg.value(`${p} remote-address`) ?? 'N/A';
  return { address, id: cfg.value(`${p} authentication remote-id`) ?? address };
}

export function showIpsecSa(cfg: ConfigTree, live: RouterLiveState, running = true): string[] {
  const children = listChildSas(cfg);
  if (!running || children.length === 0) return [IPSEC_NOT_RUNNING];
  const rows: string[][] = [];
  for (const child of children) {
    const sa = live.ipsecSa(child.peer, child.name);
    // No child SA in VICI (peer down, never negotiated): VyOS prints no row for it.
    if (!sa || (!sa.up && !sa.installing)) continue;
    const remote = remoteOf(cfg, child.peer);
    if (!sa.up) {
      rows.push([child.name, 'down', 'N/A', 'N/A', 'N/A', remote.address, remote.id, 'N/A']);
      continue;
    }
    rows.push([
      child.name,
      'up',
      secondsToHuman(sa.uptimeSeconds ?? 0),
      `${bytesShort(sa.bytesIn ?? 0)}/${bytesShort(sa.bytesOut ?? 0)}`,
      `${countShort(sa.packetsIn ?? 0)}/${countShort(sa.packetsOut ?? 0)}`,
      remote.address,
      remote.id,
      sa.proposal ?? espProposal(cfg, child.espGroup),
    ]);
  }
  rows.sort((a, b) => naturalCompare(a[0] ?? '', b[0] ?? ''));
  const headers = [
    'Connection',
    'State',
    'Uptime',
    'Bytes In/Out',
    'Packets In/Out',
    'Remote address',
    'Remote ID',
    'Proposal',
  ];
  return formatSimpleTable(headers, rows);
}

/** Configured connections, up or not: one IKE row per peer, then its children. */
export function showIpsecConnections(
  cfg: ConfigTree,
  live: RouterLiveState,
  running = true,
): string[] {
  const children = listChildSas(cfg);
  if (!running || children.length === 0) return [IPSEC_NOT_RUNNING];
  const rows: string[][] = [];
  for (const peer of cfg.names('vpn ipsec site-to-site peer')) {
    const own = children.filter((c) => c.peer === peer);
    if (own.length === 0) continue;
    const p = `vpn ipsec site-to-site peer ${peer}`;
    const remote = remoteOf(cfg, peer);
    const localId = cfg.value(`${p} authentication local-id`) ?? 'N/A';
    const ike =
      cfg.value(`vpn ipsec ike-group ${cfg.value(`${p} ike-group`) ?? ''} key-exchange`) ?? 'ikev1';
    const states = own.map((c) => live.ipsecSa(c.peer, c.name));
    const anyUp = states.some((s) => s?.up);
    rows.push([
      peer,
      anyUp ? 'up' : 'down',
      ike.toUpperCase().replace('IKEV', 'IKEv'),
      remote.address,
      '-',
      '-',
      localId,
      remote.id,
      'N/A',
    ]);
    own.forEach((c, i) => {
      const up = states[i]?.up ?? false;
      rows.push([
        c.name,
        up ? 'up' : 'down',
        'IPsec',
        remote.address,
        c.localTs,
        c.remoteTs,
        localId,
        remote.id,
        espProposal(cfg, c.espGroup),
      ]);
    });
  }
  const headers = [
    'Connection',
    'State',
    'Type',
    'Remote address',
    'Local TS',
    'Remote TS',
    'Local id',
    'Remote id',
    'Proposal',
  ];
  return formatSimpleTable(headers, rows);
}
