import { describe, expect, it } from 'vitest';
import { PTY_READ_BYTES, ptyReads } from '../../src/sim/vyos/pty-reads.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the emulated PTY as sshd reads it', () => {
  it('hands over what the shell wrote in one turn as one read, in order', async () => {
    const reads: string[] = [];
    const pty = ptyReads((chunk) => reads.push(chunk.toString('utf8')));
    pty.write('show ip route\r\n');
    pty.write('Codes: K - kernel route\r\n');
    pty.write('vyos@r1:~$ ');
    expect(reads).toEqual([]);
    await turn();
    expect(reads).toEqual(['show ip route\r\nCodes: K - kernel route\r\nvyos@r1:~$ ']);
    pty.write('exit\r\n');
    await turn();
    expect(reads).toEqual(['show ip route\r\nCodes: K - kernel route\r\nvyos@r1:~$ ', 'exit\r\n']);
  });

  it('reads at most 16 KiB at a time, as sshd does (CHAN_RBUF)', async () => {
    const reads: Buffer[] = [];
    const pty = ptyReads((chunk) => reads.push(Buffer.from(chunk)));
    const text = `${'x'.repeat(PTY_READ_BYTES)}┌──┐${'y'.repeat(100)}`;
    pty.write(text);
    await turn();
    expect(reads.map((r) => r.length)).toEqual([
      PTY_READ_BYTES,
      Buffer.byteLength(text) - PTY_READ_BYTES,
    ]);
    expect(Buffer.concat(reads).toString('utf8')).toBe(text);
  });

  it('flushes before the channel closes; drops what is pending once the client left', async () => {
    const reads: string[] = [];
    const pty = ptyReads((chunk) => reads.push(chunk.toString('utf8')));
    pty.write('logout\r\n');
    pty.flush();
    expect(reads).toEqual(['logout\r\n']);
    pty.write('never read');
    pty.drop();
    await turn();
    expect(reads).toEqual(['logout\r\n']);
  });
});
