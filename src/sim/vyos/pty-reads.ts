/**
 * What the shell writes to its PTY, as sshd reads it from the master side: everything written
 * in one turn of the event loop is there when sshd next reads, and sshd reads up to CHAN_RBUF
 * (16 KiB, OpenSSH channels.h) at a time into one CHANNEL_DATA message (channels.c
 * channel_handle_rfd). So bash's echo, output and prompt of a command reach the client in one
 * packet, not one packet per write: the same bytes at the same moment, in the pieces a real
 * router sends. Writing each piece as its own SSH packet cost the emulator (and the client) a
 * packet's encryption and a socket write for every line, prompt and echo.
 */

/** OpenSSH's CHAN_RBUF: the most sshd reads from a PTY at once. */
export const PTY_READ_BYTES = 16 * 1024;

export interface PtyReads {
  write(text: string): void;
  /** Hand over what is pending now (before the channel's exit status and close). */
  flush(): void;
  /** The session is gone: what is pending is never read. */
  drop(): void;
}

export function ptyReads(send: (chunk: Buffer) => void): PtyReads {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    for (let at = 0; at < bytes.length; at += PTY_READ_BYTES)
      send(bytes.subarray(at, at + PTY_READ_BYTES));
  };
  return {
    write(text) {
      if (text.length === 0) return;
      if (pending.length === 0) process.nextTick(flush);
      pending.push(text);
    },
    flush,
    drop() {
      pending = [];
    },
  };
}
