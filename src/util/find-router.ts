/**
 * One answer for a router name that is not in the inventory, wherever it is asked (planners,
 * the router pool, the scale-up's plan step): the name as typed (quoted, shortened: it is user
 * text) and the routers that do exist, which is the fix.
 */
import { FlatnetError } from '../errors.js';

export function unknownRouter(name: string, known: readonly string[]): FlatnetError {
  const names = [...known].sort();
  return new FlatnetError(
    'UNKNOWN_TARGET',
    `there is no router named ${JSON.stringify(name.slice(0, 64))}`,
    names.length > 0
      ? `known routers: ${names.join(', ')}`
      : 'the inventory lists no routers: add them under routers:',
  );
}

/** The entry of `name` in a table of routers (the inventory's, the pool's), or the refusal. */
export function findRouter<T>(routers: Readonly<Record<string, T>>, name: string): T {
  const entry = Object.hasOwn(routers, name) ? routers[name] : undefined;
  if (entry === undefined) throw unknownRouter(name, Object.keys(routers));
  return entry;
}
