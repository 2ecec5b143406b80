import { describe, expect, it } from 'vitest';
import { VyosRouter } from '../../src/sim/vyos/vyos-router.js';
import { VyosShell } from '../../src/sim/vyos/shell.js';

function harness(settings: Partial<ConstructorParameters<typeof VyosRouter>[0]> = {}) {
  const router = new VyosRouter({
    name: 'r1',
    baseConfig: ["set system host-name 'r1'"],
    ...settings,
  });
  let out = '';
  let closedWith: number | undefined;
  const waiters: Array<() => void> = [];
  const shell = new VyosShell(router, {
    write: (t) => {
      out += t;
      for (const w of waiters.splice(0)) w();
    },
    close: (code) => {
      closedWith = code;
    },
  });
  shell.start();
  const until = async (pattern: RegExp): Promise<string> => {
    while (!pattern.test(out)) await new Promise<void>((resolve) => waiters.push(resolve));
    return out;
  };
  return {
    router,
    shell,
    until,
    text: () => out,
    closedWith: () => closedWith,
    reset: () => (out = ''),
  };
}

describe('VyOS shell', () => {
  it('echoes typed-ahead lines after each prompt, with CRLF line endings', async () => {
    const h = harness();
    h.reset();
    h.shell.feed('set terminal length 0\nconfigure\r\nexit\n');
    await h.until(/exit\r\nvyos@r1:~\$ $/);
    expect(h.text()).toBe(
      'set terminal length 0\r\nvyos@r1:~$ configure\r\n[edit]\r\nvyos@r1# exit\r\nvyos@r1:~$ ',
    );
  });

  it('handles backspace editing and logs out on exit', async () => {
    const h = harness();
    h.reset();
    h.shell.feed('show versiox\x7fn\n');
    await h.until(/Version:[\s\S]*:~\$ $/);
    expect(h.text()).toContain('show versiox\b \bn\r\n');
    h.shell.feed('exit\n');
    await h.until(/logout\r\n$/);
    expect(h.closedWith()).toBe(0);
  });

  it('refuses an unquoted ( & < > or backtick like bash; keeps a quoted one as value', async () => {
    const h = harness({
      baseConfig: ["set system host-name 'r1'", "set interfaces ethernet eth1 address 'dhcp'"],
    });
    h.reset();
    h.shell.feed('configure\nset interfaces ethernet eth1 description outside (EIP) & NAT!\n');
    await h.until(/syntax error[^\n]*\r\n\[edit\]\r\nvyos@r1# $/);
    expect(h.text()).toContain("-vbash: syntax error near unexpected token `('");
    const value = `outside (EIP) & NAT! Bob's "C:\\x"`;
    h.shell.feed(
      `set interfaces ethernet eth1 description '${value.replace(/'/g, "'\\''")}'\ncommit\nexit\n`,
    );
    await h.until(/not been saved.\r\nvyos@r1:~\$ $/);
    h.reset();
    h.shell.feed('show configuration commands\n');
    const text = await h.until(/host-name 'r1'\r\nvyos@r1:~\$ $/);
    // vyos1x-config's renderer: always single quotes, escape_string inside, a ' left as is.
    expect(text).toContain(
      `set interfaces ethernet eth1 description 'outside (EIP) & NAT! Bob's \\"C:\\\\x\\"'\r\n`,
    );
    expect(h.router.active.value('interfaces ethernet eth1 description')).toBe(value);
  });

  it('runs `;`-separated commands one after the other, as vbash does', async () => {
    const h = harness();
    h.reset();
    h.shell.feed('show foo; restart ipsec\n');
    const text = await h.until(/IPsec process restarted\r\nvyos@r1:~\$ $/);
    expect(text).toContain('Invalid command: show [foo]');
  });

  it(
    'on 1.5 with action reload, an unconfirmed commit-confirm ' +
      'reloads the previous config without dropping the session',
    async () => {
      const h = harness({
        version: '1.5',
        minuteMs: 20,
        baseConfig: [
          "set system host-name 'r1'",
          "set system config-management commit-confirm action 'reload'",
        ],
      });
      const rolledBack = new Promise<void>((resolve) =>
        h.router.on('commit', (e: { rollback?: boolean }) => e.rollback && resolve()),
      );
      h.shell.feed("configure\nset system host-name 'r2'\ncommit-confirm 1\n");
      await h.until(/Proceed \? \[Y\/n\] $/);
      expect(h.text()).toContain(
        'commit-confirm will automatically reload in 1 minutes unless changes',
      );
      h.shell.feed('\n');
      await h.until(/before reload\r\n\[edit\]\r\nvyos@r2# $/);
      await rolledBack;
      expect(h.router.hostName).toBe('r1');
      expect(h.router.power).toBe('on');
      h.router.dispose();
    },
  );

  it('accepts restart vpn on 1.3 and prints the 1.3 save messages', async () => {
    const h = harness({ version: '1.3' });
    h.reset();
    h.shell.feed('restart vpn\n');
    await h.until(/Starting strongSwan[\s\S]*:~\$ $/);
    h.shell.feed('configure\nsave\n');
    await h.until(/Done\r\n\[edit\]\r\nvyos@r1# $/);
    expect(h.text()).toContain("Saving configuration to '/config/config.boot'...");
  });

  it('answers n to the Proceed prompt by committing nothing', async () => {
    const h = harness();
    h.shell.feed("configure\nset system host-name 'r3'\ncommit-confirm\n");
    await h.until(/Proceed/);
    h.shell.feed('n\n');
    await h.until(/n\r\n\[edit\]\r\nvyos@r1# $/);
    expect(h.router.confirmPending).toBe(false);
    expect(h.router.hostName).toBe('r1');
  });
});
