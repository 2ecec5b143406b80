/**
 * What a router's conntrack makes of a reply, as Linux netfilter does. Each router tracks the
 * connections it saw: the reply of a request it forwarded is `established` there. A router that
 * only sees the reply (an asymmetric path: the request went by the hub, the reply comes back by
 * its standby, or by another spoke) has no entry for it, and the first packet of a reply is one
 * conntrack refuses to start a connection with:
 *
 * - TCP: the reply to a SYN is a SYN/ACK; `tcp_conntracks[ORIGINAL][synack][sNO]` is `sIV`
 *   (net/netfilter/nf_conntrack_proto_tcp.c: "sNO -> sIV Too late and no reason to do
 *   anything"), so `tcp_new()` refuses it: `invalid`. `nf_conntrack_tcp_loose` (default 1) only
 *   picks up a mid-stream ACK (`sNO -> sES Assumed`), as `new`, not the connection's start.
 * - ICMP: an echo reply cannot open a conntrack entry (nf_conntrack_proto_icmp.c `valid_new[]`
 *   holds echo, timestamp, info and address *requests* only: "can't create new conn"): `invalid`.
 * - UDP: any datagram opens an entry (nf_conntrack_proto_udp.c has no such check): `new`.
 *
 * That router's rule set then judges the packet in that state: flatnet's rule 1 (`state
 * established`, `related`) does not match it, a policy rule that names no state still can.
 */
import type { FirewallPacket } from './firewall.js';

/** The conntrack state of a reply's first packet on a router that did not see the request. */
export function untrackedReplyState(protocol: FirewallPacket['protocol']): FirewallPacket['state'] {
  return protocol === 'udp' ? 'new' : 'invalid';
}
