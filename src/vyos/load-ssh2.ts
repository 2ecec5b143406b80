/**
 * ssh2, loaded when the first SSH connection opens instead of at start-up. Importing it
 * allocates about 18 MB of WebAssembly memory for its Poly1305 implementation, and most
 * processes never open a connection: the bot never talks to routers (workers do), and an
 * idle worker has not yet. The promise is memoized, so every session shares the one import.
 */
import type * as Ssh2Module from 'ssh2';

export type Ssh2 = typeof Ssh2Module;

let ssh2Loading: Promise<Ssh2> | undefined;

export function loadSsh2(): Promise<Ssh2> {
  ssh2Loading ??= import('ssh2');
  return ssh2Loading;
}
