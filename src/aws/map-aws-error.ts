import { CloudError } from '../errors.js';

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  cause?: unknown;
  errors?: unknown[];
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

/** The network error code buried in an SDK/Node error (possibly an AggregateError or a cause). */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as SdkErrorLike;
  if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  for (const inner of e.errors ?? []) {
    const c = networkCode(inner, depth + 1);
    if (c) return c;
  }
  return networkCode(e.cause, depth + 1);
}

/** An endpoint as safe to show: no user info, no query. */
export function describeEndpoint(endpoint: string | undefined, region: string): string {
  if (!endpoint) return `https://ec2.${region}.amazonaws.com`;
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(an unparseable endpoint URL)';
  }
}

export interface ErrorContext {
  action: string;
  region: string;
  endpoint?: string;
}

/**
 * Turn what the SDK threw into a CloudError an operator can act on: what failed, where, and
 * what to do. AWS's own message is kept when it helps; credentials never appear (the SDK does
 * not put them in errors, and endpoints are shown without user info).
 */
export function toCloudError(err: unknown, ctx: ErrorContext): CloudError {
  if (err instanceof CloudError) return err;
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as SdkErrorLike;
  const where = `ec2:${ctx.action} in ${ctx.region}`;
  const net = networkCode(err);
  if (net) {
    const endpoint = describeEndpoint(ctx.endpoint, ctx.region);
    return new CloudError(
      'EndpointUnreachable',
      `Cannot reach the EC2 endpoint ${endpoint} for ${where} (${net}).`,
      ctx.endpoint
        ? 'Check that the endpoint (AWS_ENDPOINT_URL_EC2 or the cloud endpoint ' +
            'setting) is right and the EC2 emulator is running (`flatnet sim`).'
        : 'Check the network path to AWS (proxy, DNS, security groups of the bot host).',
      { cause: err },
    );
  }
  const code = e.name ?? 'Unknown';
  const aws = e.message ? ` AWS said: ${e.message}` : '';
  const requestId = e.$metadata?.requestId ? ` (request id ${e.$metadata.requestId})` : '';
  const make = (message: string, hint?: string) =>
    new CloudError(code, `${message}${requestId}`, hint, { cause: err });
  switch (code) {
    case 'UnauthorizedOperation':
    case 'AccessDenied':
    case 'AccessDeniedException':
      return make(
        `The bot's AWS identity may not call ${where}.`,
        `Add "ec2:${ctx.action}" to the bot's IAM role from iam-policy.json ` +
          '(the policy shipped with flatnet lists every action it needs).',
      );
    case 'AuthFailure':
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
      return make(
        `AWS rejected the bot's credentials for ${where} (${code}).`,
        'Check the credentials the bot runs with (instance role, ' +
          'AWS_PROFILE or AWS_ACCESS_KEY_ID) and the host clock.',
      );
    case 'CredentialsProviderError':
      return make(
        `No AWS credentials found for ${where}.`,
        'Give the bot an IAM role, or set AWS_PROFILE ' +
          '/ AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      );
    case 'RequestLimitExceeded':
    case 'Throttling':
      return make(
        `EC2 throttled ${where} and kept throttling after ` +
          `${e.$metadata?.attempts ?? 'several'} attempts.`,
        'Wait a minute and run the command again; something ' +
          'else in this account may be calling the EC2 API hard.',
      );
    case 'InsufficientInstanceCapacity':
      return make(
        `AWS has no capacity for this instance type in ${ctx.region} right now (${where}).`,
        'Try another instance type with --type, or wait a few minutes and retry.',
      );
    case 'InvalidInstanceID.NotFound':
    case 'InvalidInstanceID.Malformed':
      return make(
        `The instance does not exist in ${ctx.region} (${where}).${aws}`,
        'Check routers.<name>.instanceId and routers.<name>.region in the inventory.',
      );
    case 'InvalidVpcID.NotFound':
      return make(
        `The VPC does not exist in ${ctx.region} (${where}).${aws}`,
        'Check the VPC id (vpc-…) and the region: aws ec2 describe-vpcs --region ' +
          `${ctx.region}.`,
      );
    case 'InvalidAllocationID.NotFound':
      return make(
        `The Elastic IP allocation does not exist in ${ctx.region} (${where}).${aws}`,
        'Check the Elastic IP allocation id (eipalloc-…) of the router in the inventory.',
      );
    case 'InvalidRouteTableID.NotFound':
      return make(
        `The route table does not exist in ${ctx.region} (${where}).${aws}`,
        'Check the route table ids (rtb-…) in the inventory.',
      );
    case 'InvalidNetworkInterfaceID.NotFound':
      return make(
        `The network interface does not exist in ${ctx.region} (${where}).${aws}`,
        'The instance may have been replaced: run /router status to read its current interface.',
      );
    case 'InvalidAMIID.NotFound':
      return make(
        `The AMI does not exist in ${ctx.region} (${where}).${aws}`,
        'Check that an AMI tagged for routers exists in this region (AMIs are regional: copy it).',
      );
    case 'InvalidSubnetID.NotFound':
      return make(
        `The subnet does not exist in ${ctx.region} (${where}).${aws}`,
        'Check the router subnet id in the inventory.',
      );
    case 'IdempotentParameterMismatch':
      return make(
        `This run's launch token was already used with other parameters (${where}).`,
        'An earlier attempt launched a different instance: check the run history ' +
          'and the instances tagged with this run before starting a new run.',
      );
    case 'IdempotentInstanceTerminated':
      return make(
        `The instance this run launched has been terminated (${where}).`,
        'Start a new run: its new launch token will launch a fresh instance.',
      );
    case 'AsnConflict':
      return make(
        `The customer gateway's BGP ASN equals the virtual private gateway's (${where}).`,
        "Use a different ASN for the hub (the VGW's default is 64512), e.g. 65000.",
      );
    case 'IncorrectInstanceState':
      return make(
        `The instance is not in a state that allows ${where}.${aws}`,
        'Run /router status to see its state, then retry once it has settled.',
      );
    default:
      return make(
        `EC2 refused ${where} (${code}).${aws}`,
        (e.$metadata?.httpStatusCode ?? 0) >= 500
          ? 'AWS had an internal problem: retry in a minute.'
          : undefined,
      );
  }
}
