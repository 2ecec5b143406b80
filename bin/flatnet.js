#!/usr/bin/env node
// In a checkout, run the TypeScript sources through tsx (never a stale build); in the image,
// where only the compiled dist/ is shipped, run that.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/src/cli.js', import.meta.url).href);
}
