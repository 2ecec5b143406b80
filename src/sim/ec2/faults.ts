import { Ec2ApiError } from './ec2-error.js';

export interface FaultSpec {
  /** EC2 action name (`RunInstances`); every action when absent. */
  action?: string;
  region?: string;
  code:
    | 'RequestLimitExceeded'
    | 'InsufficientInstanceCapacity'
    | 'InternalError'
    | 'UnauthorizedOperation'
    | (string & {});
  /** HTTP status; defaults to what AWS answers for the code. */
  status?: number;
  message?: string;
  /** How many matching calls fail; each consumes one. Default 1. */
  times?: number;
}

const DEFAULT_STATUS: Record<string, number> = {
  // AWS answers throttling with 503 on EC2 (some endpoints 400): the SDK retries either by code.
  RequestLimitExceeded: 503,
  InsufficientInstanceCapacity: 500,
  InternalError: 500,
  Unavailable: 503,
  UnauthorizedOperation: 403,
};

const DEFAULT_MESSAGE: Record<string, string> = {
  RequestLimitExceeded: 'Request limit exceeded.',
  InsufficientInstanceCapacity:
    'We currently do not have sufficient capacity in the Availability Zone you requested.',
  InternalError: 'An internal error has occurred.',
  UnauthorizedOperation: 'You are not authorized to perform this operation.',
};

/** Injected failures: each matching request consumes one and answers the AWS error. */
export class FaultInjector {
  private readonly pending: (FaultSpec & { left: number })[] = [];

  inject(spec: FaultSpec): void {
    this.pending.push({ ...spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** How many injected failures are still waiting to happen. */
  get remaining(): number {
    return this.pending.reduce((n, f) => n + f.left, 0);
  }

  /** The error for this call, if a fault matches it (consuming one), else undefined. */
  take(action: string, region: string): Ec2ApiError | undefined {
    const i = this.pending.findIndex(
      (f) =>
        (f.action === undefined || f.action === action) &&
        (f.region === undefined || f.region === region),
    );
    const fault = this.pending[i];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.pending.splice(i, 1);
    const status = fault.status ?? DEFAULT_STATUS[fault.code] ?? 400;
    const message = fault.message ?? DEFAULT_MESSAGE[fault.code] ?? `Injected fault ${fault.code}.`;
    return new Ec2ApiError(fault.code, message, status);
  }
}
