/** An error the emulator answers on the wire: AWS code, message, HTTP status. */
export class Ec2ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'Ec2ApiError';
  }
}

export function notFound(code: string, kind: string, id: string): Ec2ApiError {
  return new Ec2ApiError(code, `The ${kind} '${id}' does not exist`);
}

export function invalidParameter(message: string): Ec2ApiError {
  return new Ec2ApiError('InvalidParameterValue', message);
}

export function missingParameter(name: string): Ec2ApiError {
  return new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);
}

export function dryRunSucceeded(): Ec2ApiError {
  return new Ec2ApiError(
    'DryRunOperation',
    'Request would have succeeded, but DryRun flag is set.',
    412,
  );
}
