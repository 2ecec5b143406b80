/**
 * The Lua scripts (src/runbook/lua, src/onboarding/lua) keep the 100-character lines of the rest
 * of the code; ESLint reads no Lua, so this test does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? luaFiles(join(dir, e.name))
      : e.name.endsWith('.lua')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('Lua scripts', () => {
  it('have lines of at most 100 characters', () => {
    const files = luaFiles(join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(5);
    const long = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > 100 ? [`${relative(ROOT, file)}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });
});
