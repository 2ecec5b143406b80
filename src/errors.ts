/**
 * flatnet's errors: a small set of classes with stable codes. Every message says what is
 * wrong and how to fix it, because the person reading it is an operator in a Slack thread,
 * not a developer with a debugger. The original error is kept as `cause`.
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'UNKNOWN_TARGET'
  | 'FORBIDDEN'
  | 'INVENTORY'
  | 'ROUTER_UNREACHABLE'
  | 'ROUTER_COMMAND'
  | 'HOST_KEY'
  | 'CLOUD'
  | 'REDIS'
  | 'LOCKED'
  | 'APPROVAL'
  | 'TIMEOUT'
  | 'SETTING'
  | 'INTERNAL';

export class FlatnetError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FlatnetError';
  }

  /** The message as shown to a person: the problem, then the fix. */
  get forHumans(): string {
    return this.hint ? `${this.message}\n${this.hint}` : this.message;
  }
}

export class BadInputError extends FlatnetError {
  constructor(message: string, hint?: string) {
    super('BAD_INPUT', message, hint);
    this.name = 'BadInputError';
  }
}

/**
 * Several bad inputs of one command, found at once so the person fixes them in one go: each
 * keeps its own problem and fix (the add-peer form shows each under its field).
 */
export class BadInputsError extends BadInputError {
  constructor(readonly problems: readonly BadInputError[]) {
    super(problems[0]?.message ?? 'bad input', problems[0]?.hint);
    this.name = 'BadInputsError';
  }

  override get forHumans(): string {
    return this.problems.map((p) => p.forHumans).join('\n');
  }
}

/** Collects the bad inputs of independent checks, instead of stopping at the first. */
export class InputProblems {
  private readonly found: BadInputError[] = [];

  /** The check's answer, or undefined when it refused (the refusal is kept). */
  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      this.found.push(...(err instanceof BadInputsError ? err.problems : [err]));
      return undefined;
    }
  }

  /** The problems found so far. */
  list(): readonly BadInputError[] {
    return this.found;
  }

  /** A problem found without a check that throws. */
  add(message: string, hint?: string): void {
    this.found.push(new BadInputError(message, hint));
  }

  throwIfAny(): void {
    if (this.found.length === 1) throw this.found[0]!;
    if (this.found.length > 1) throw new BadInputsError(this.found);
  }
}

/**
 * Bad input that must not stay in the run's record: a refused WireGuard key (it may be a
 * private key). The engine drops `param` from the run's params before it saves the failure,
 * so neither the record nor the thread, which is rebuilt from it, keeps the value.
 */
export class RefusedParamError extends BadInputError {
  constructor(
    message: string,
    hint: string | undefined,
    readonly param: string,
  ) {
    super(message, hint);
    this.name = 'RefusedParamError';
  }
}

export class InventoryError extends FlatnetError {
  constructor(
    message: string,
    hint?: string,
    readonly problems: string[] = [message],
    /** `ssh-key`: the only problem is a missing or unreadable SSH key file (exit code 15). */
    readonly details: { kind?: 'ssh-key' } = {},
  ) {
    super('INVENTORY', message, hint);
    this.name = 'InventoryError';
  }
}

/**
 * A start-up setting (an environment variable, a flag, a file the inventory names) that stops
 * the bot or a worker before it does anything. `setting` names it the way the operator wrote
 * it; the CLI prints one line and exits with `exitCode`, so a supervisor can tell them apart.
 */
export class SettingError extends FlatnetError {
  constructor(
    readonly setting: string,
    readonly exitCode: number,
    message: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super('SETTING', `${setting}: ${message}`, hint, options);
    this.name = 'SettingError';
  }
}

export class RouterError extends FlatnetError {
  constructor(
    code: 'ROUTER_UNREACHABLE' | 'ROUTER_COMMAND' | 'HOST_KEY' | 'TIMEOUT',
    readonly router: string,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, options);
    this.name = 'RouterError';
  }
}

export class CloudError extends FlatnetError {
  constructor(
    /** The AWS error code (`err.name` from the SDK), e.g. `InsufficientInstanceCapacity`. */
    readonly awsCode: string,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super('CLOUD', message, hint, options);
    this.name = 'CloudError';
  }
}

/** Turn anything thrown into a line a person can act on. */
export function describeError(err: unknown): string {
  if (err instanceof FlatnetError) return err.forHumans;
  if (err instanceof Error) return err.message;
  return String(err);
}
