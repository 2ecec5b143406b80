import { describe, expect, it } from 'vitest';
import { describeEndpoint, toCloudError } from '../../src/aws/map-aws-error.js';
import { CloudError } from '../../src/errors.js';

function sdkError(name: string, status: number, message = 'aws message'): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status, requestId: 'req-42', attempts: 3 },
  });
}

describe('mapping SDK errors to operator messages', () => {
  const ctx = { action: 'AssociateAddress', region: 'ap-northeast-1' };

  it('names the missing IAM action and where to add it', () => {
    const e = toCloudError(sdkError('UnauthorizedOperation', 403), ctx);
    expect(e).toBeInstanceOf(CloudError);
    expect(e.awsCode).toBe('UnauthorizedOperation');
    expect(e.message).toContain('ec2:AssociateAddress in ap-northeast-1');
    expect(e.message).toContain('req-42');
    expect(e.hint).toContain('iam-policy.json');
  });

  it('says what to do about throttling, capacity and unknown ids', () => {
    expect(toCloudError(sdkError('RequestLimitExceeded', 503), ctx).message).toContain(
      'after 3 attempts',
    );
    expect(
      toCloudError(sdkError('InsufficientInstanceCapacity', 500), {
        ...ctx,
        action: 'RunInstances',
      }).hint,
    ).toContain('--type');
    expect(toCloudError(sdkError('InvalidInstanceID.NotFound', 400), ctx).hint).toContain(
      'routers.<name>.instanceId',
    );
    const other = toCloudError(sdkError('InternalError', 500, 'boom'), ctx);
    expect(other.message).toContain('AWS said: boom');
    expect(other.hint).toContain('retry');
  });

  it(
    'recognises an unreachable endpoint, also inside ' +
      'an AggregateError, and hides user info in the URL',
    () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const e = toCloudError(new AggregateError([refused], 'failed'), {
        ...ctx,
        endpoint: 'http://user:hunter2@127.0.0.1:4566/',
      });
      expect(e.awsCode).toBe('EndpointUnreachable');
      expect(e.message).toContain('http://127.0.0.1:4566');
      expect(e.message).not.toContain('hunter2');
      expect(describeEndpoint(undefined, 'eu-west-1')).toBe('https://ec2.eu-west-1.amazonaws.com');
    },
  );

  it('passes a CloudError through unchanged', () => {
    const original = new CloudError('X', 'm');
    expect(toCloudError(original, ctx)).toBe(original);
  });
});
