/** The shapes of the emulator's VyOS schema (vyos-schema.ts) and their builders. */
import type { ValueValidator } from './validate-config-value.js';

export type SchemaNode =
  | { kind: 'node'; children: Record<string, SchemaNode> }
  | { kind: 'tag'; children: Record<string, SchemaNode>; name?: ValueValidator }
  | { kind: 'leaf'; multi: boolean; validate?: ValueValidator }
  | { kind: 'flag' }
  | { kind: 'open' };

export const node = (children: Record<string, SchemaNode>): SchemaNode => ({
  kind: 'node',
  children,
});
export const tag = (children: Record<string, SchemaNode>, name?: ValueValidator): SchemaNode => ({
  kind: 'tag',
  children,
  name,
});
export const leaf = (validate?: ValueValidator): SchemaNode => ({
  kind: 'leaf',
  multi: false,
  validate,
});
export const multi = (validate?: ValueValidator): SchemaNode => ({
  kind: 'leaf',
  multi: true,
  validate,
});
export const flag: SchemaNode = { kind: 'flag' };
export const open: SchemaNode = { kind: 'open' };

/** vyos-1x `include/constraint/interface-name.xml.i`. */
export const INTERFACE_NAME = new RegExp(
  '^((bond|br|dum|en|ersp|eth|gnv|ifb|ipoe|lan|l2tp|l2tpeth|macsec|peth|ppp|pppoe|pptp|sstp|' +
    'sstpc|tun|veth|vti|vtun|vxlan|wg|wlan|wwan)[0-9]+(.\\d+)?|lo)$',
);
