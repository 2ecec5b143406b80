/**
 * Reads and checks the inventory. Every problem names the file, the path inside it and the
 * fix, and all problems are reported at once: an operator fixing a broken inventory should
 * not have to play whack-a-mole with one error per start.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InventoryError } from '../errors.js';
import { InventorySchema, type Inventory } from './inventory-schema.js';
import { checkInventoryReferences } from './check-inventory-references.js';

export interface LoadedInventory {
  inventory: Inventory;
  /** Absolute path of the file it came from. */
  file: string;
  /** Resolve a path written in the inventory (relative to the file). */
  resolvePath(path: string): string;
}

export function loadInventory(file: string): LoadedInventory {
  const absolute = resolve(file);
  if (!existsSync(absolute)) {
    throw new InventoryError(
      `inventory ${file} does not exist`,
      'pass --config PATH (or set FLATNET_CONFIG), or copy examples/flatnet.yml and ' +
        'edit it; `flatnet sim --write-inventory PATH` writes one for the simulator',
    );
  }
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new InventoryError(
      `inventory ${file} cannot be read: ${(err as Error).message}`,
      'check the file permissions',
    );
  }
  const inventory = parseInventory(text, file, dirname(absolute));
  return { inventory, file: absolute, resolvePath: (p) => resolve(dirname(absolute), p) };
}

/**
 * Parse and validate inventory text; `baseDir` is where relative key paths are resolved (null: not
 * checked).
 */
/**
 * How far YAML aliases may expand (uses of an anchor × the aliases inside it). The yaml
 * library's default, 100, refuses a fleet of 500 routers that each write `ladder: *spoke`;
 * a billion-laughs document multiplies past this within a few levels all the same.
 */
const MAX_ALIAS_EXPANSION = 100_000;

function toPlainData(doc: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (err) {
    throw inventoryProblems(
      file,
      [`${file}: YAML aliases expand too far (${(err as Error).message})`],
      `use at most ${MAX_ALIAS_EXPANSION} expansions of anchors (\`*name\`), ` +
        'or write the values out',
    );
  }
}

export function parseInventory(text: string, file: string, baseDir: string | null): Inventory {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const line = e.linePos?.[0];
      return (
        `${file}${line ? `:${line.line}:${line.col}` : ''}: YAML syntax error: ` +
        e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
      );
    });
    throw inventoryProblems(
      file,
      problems,
      'fix the YAML syntax (indentation with spaces, `key: value`, lists with `- `)',
    );
  }
  const raw = toPlainData(doc, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw inventoryProblems(
      file,
      [`${file}: the file must be a YAML mapping (hub:, network:, regions:, routers:, slack:)`],
      'start from examples/flatnet.yml',
    );
  }
  const parsed = InventorySchema.safeParse(raw);
  if (!parsed.success) {
    throw inventoryProblems(
      file,
      parsed.error.issues.map((issue) => describeIssue(file, issue)),
      'see examples/flatnet.yml for a complete, commented inventory',
    );
  }
  const problems = checkInventoryReferences(parsed.data).map((p) => `${file}: ${p}`);
  const missingKeys = baseDir === null ? [] : missingKeyFiles(file, parsed.data, baseDir);
  if (problems.length === 0 && missingKeys.length > 0) {
    // Only the key files are missing: a setting of its own, with its own exit code (15).
    throw new InventoryError(missingKeys.join('\n'), 'fix the entries named above', missingKeys, {
      kind: 'ssh-key',
    });
  }
  problems.push(...missingKeys);
  if (problems.length > 0) throw inventoryProblems(file, problems, 'fix the entries named above');
  return parsed.data;
}

/**
 * One line per missing key file, however many routers name it (they usually share one key):
 * the first router names the setting, the others are counted.
 */
function missingKeyFiles(file: string, inventory: Inventory, baseDir: string): string[] {
  const byPath = new Map<string, { setting: string; relative: string; others: number }>();
  for (const [name, router] of Object.entries(inventory.routers)) {
    const keyPath = resolve(baseDir, router.ssh.privateKeyPath);
    if (isReadable(keyPath)) continue;
    const seen = byPath.get(keyPath);
    if (seen) seen.others += 1;
    else byPath.set(keyPath, { setting: name, relative: router.ssh.privateKeyPath, others: 0 });
  }
  return [...byPath].map(([keyPath, { setting, relative, others }]) => {
    const also =
      others > 0 ? ` (also named by ${others} other router${others > 1 ? 's' : ''})` : '';
    const what = existsSync(keyPath) ? 'cannot be read by this user' : 'does not exist';
    return (
      `${file}: routers.${setting}.ssh.privateKeyPath: ${keyPath} ` +
      `${what}${also} — create the bot's key with \`ssh-keygen -t ` +
      `ed25519 -f ${relative}\` and authorize its .pub on the router`
    );
  });
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function inventoryProblems(file: string, problems: string[], hint: string): InventoryError {
  const head =
    problems.length === 1
      ? problems[0]!
      : `${file} has ${problems.length} problems:\n${problems.map((p) => `• ${p}`).join('\n')}`;
  return new InventoryError(head, hint, problems);
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(top level)';
  const where = `${file}: ${path}`;
  if (issue.code === 'unrecognized_keys') {
    return (
      `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ` +
      `${issue.keys.map((k) => `"${k}"`).join(', ')} — remove it or check the spelling`
    );
  }
  if (issue.code === 'invalid_key') {
    // A record key (a router or group name) failed its own pattern: show that rule.
    const inner = issue.issues[0]?.message ?? issue.message;
    return `${where}: the name ${inner.replace(/^Invalid input: /, '')}`;
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `${where}: is missing — ${hintFor(path)}`;
  }
  return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

function hintFor(path: string): string {
  if (path.endsWith('ssh.hostKey'))
    return 'run `ssh-keyscan -t ed25519 -p PORT HOST` and paste the `ssh-ed25519 AAAA…` part';
  if (path.endsWith('instanceId'))
    return (
      "add the router's EC2 instance id (i-…), from " +
      'the EC2 console or `aws ec2 describe-instances`'
    );
  if (path.endsWith('privateKeyPath'))
    return "add the path of the bot's SSH private key, relative to the inventory file";
  return 'add it (see examples/flatnet.yml)';
}
