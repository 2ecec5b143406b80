import { afterEach, describe, expect, it } from 'vitest';
import { isValidPreSharedKey, newId, newPreSharedKey } from '../../src/sim/ec2/ids.js';
import { Ec2State } from '../../src/sim/ec2/state.js';
import { checkInsideCidr, insideAddresses } from '../../src/sim/ec2/vpn-tunnels.js';

const states: Ec2State[] = [];
function world(): Ec2State {
  const s = new Ec2State({ bootMs: 10_000 });
  states.push(s);
  return s;
}
afterEach(() => {
  for (const s of states.splice(0)) s.close();
});

describe('EC2 emulator state', () => {
  it('makes ids in the long format and keys AWS would accept', () => {
    expect(newId('i')).toMatch(/^i-[0-9a-f]{17}$/);
    for (let n = 0; n < 200; n += 1) {
      const key = newPreSharedKey();
      expect(key).toHaveLength(32);
      expect(isValidPreSharedKey(key)).toBe(true);
    }
    expect(isValidPreSharedKey('0abcdefgh')).toBe(false);
    expect(isValidPreSharedKey('short')).toBe(false);
    expect(isValidPreSharedKey('has-a-dash')).toBe(false);
  });

  it('gives instances free addresses past the four AWS reserves, and refuses one in use', () => {
    const s = world();
    const vpc = s.addVpc({ region: 'eu-west-1', cidrBlock: '10.1.0.0/16' });
    const subnet = s.addSubnet({ region: 'eu-west-1', vpcId: vpc.vpcId, cidrBlock: '10.1.2.0/24' });
    const image = s.addImage({ region: 'eu-west-1', name: 'vyos' });
    const a = s.addInstance({
      region: 'eu-west-1',
      type: 'c5.large',
      imageId: image.imageId,
      subnetId: subnet.subnetId,
    });
    const b = s.runInstances('eu-west-1', {
      imageId: image.imageId,
      type: 'c5.large',
      subnetId: subnet.subnetId,
    }).instances[0];
    expect([a.privateIp, b?.privateIp]).toEqual(['10.1.2.4', '10.1.2.5']);
    expect(b?.state).toBe('pending');
    expect(() =>
      s.runInstances('eu-west-1', {
        imageId: image.imageId,
        type: 'c5.large',
        subnetId: subnet.subnetId,
        privateIp: '10.1.2.4',
      }),
    ).toThrow(expect.objectContaining({ code: 'InvalidIPAddress.InUse' }));
    expect(() =>
      s.runInstances('us-east-1', {
        imageId: image.imageId,
        type: 'c5.large',
        subnetId: subnet.subnetId,
      }),
    ).toThrow(expect.objectContaining({ code: 'InvalidAMIID.NotFound' }));
  });

  it('consumes injected faults one call at a time, per action and region', () => {
    const s = world();
    s.faults.inject({
      action: 'RunInstances',
      region: 'us-east-1',
      code: 'InsufficientInstanceCapacity',
      times: 2,
    });
    expect(s.faults.take('DescribeInstances', 'us-east-1')).toBeUndefined();
    expect(s.faults.take('RunInstances', 'eu-west-1')).toBeUndefined();
    expect(s.faults.take('RunInstances', 'us-east-1')).toMatchObject({
      code: 'InsufficientInstanceCapacity',
      status: 500,
    });
    expect(s.faults.take('RunInstances', 'us-east-1')).toMatchObject({
      code: 'InsufficientInstanceCapacity',
    });
    expect(s.faults.take('RunInstances', 'us-east-1')).toBeUndefined();
    s.faults.inject({ code: 'RequestLimitExceeded' });
    expect(s.faults.take('DescribeImages', 'sa-east-1')).toMatchObject({
      code: 'RequestLimitExceeded',
      status: 503,
    });
  });

  it('checks tunnel inside CIDRs as AWS does and splits a /30 between the gateways', () => {
    expect(() => checkInsideCidr('169.254.10.0/30')).not.toThrow();
    expect(() => checkInsideCidr('169.254.10.1/30')).toThrow(/must be a \/30/);
    expect(() => checkInsideCidr('10.0.0.0/30')).toThrow(/169.254.0.0\/16/);
    expect(() => checkInsideCidr('169.254.169.252/30')).toThrow(/reserved/);
    expect(insideAddresses('169.254.225.8/30')).toEqual({
      vgw: '169.254.225.9',
      cgw: '169.254.225.10',
    });
  });

  it('never echoes a rejected pre-shared key', () => {
    const s = world();
    const vgw = s.addVpnGateway({ region: 'us-east-1' });
    const cgw = s.addCustomerGateway({ region: 'us-east-1', ipAddress: '203.0.113.5' });
    const bad = '0secret-with-dash';
    let message = '';
    try {
      s.addVpnConnection({
        region: 'us-east-1',
        customerGatewayId: cgw.customerGatewayId,
        vpnGatewayId: vgw.vpnGatewayId,
        tunnels: [{ preSharedKey: bad }],
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/pre-shared key is invalid/);
    expect(message).not.toContain(bad);
  });

  it('clears its transition timers on close and schedules none afterwards', () => {
    const s = world();
    const vpc = s.addVpc({ region: 'eu-west-1', cidrBlock: '10.1.0.0/16' });
    const subnet = s.addSubnet({ region: 'eu-west-1', vpcId: vpc.vpcId, cidrBlock: '10.1.2.0/24' });
    const inst = s.addInstance({
      region: 'eu-west-1',
      type: 'c5.large',
      imageId: 'ami-1',
      subnetId: subnet.subnetId,
      state: 'pending',
    });
    expect(s.pendingTransitions).toBe(1);
    s.close();
    expect(s.pendingTransitions).toBe(0);
    s.stopInstance('eu-west-1', inst.instanceId);
    expect(s.getInstance(inst.instanceId)?.state).toBe('stopping');
    expect(s.pendingTransitions).toBe(0);
  });
});
