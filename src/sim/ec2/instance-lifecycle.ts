import { cidrContains } from './cidr.js';
import { Ec2ApiError, invalidParameter } from './ec2-error.js';
import { newId } from './ids.js';
import { allocatePrivateIp, privateIpInUse } from './allocate-private-ip.js';
import type { Ec2Store } from './ec2-store.js';
import type { InstanceStateName, SimInstance, SimNetworkInterface, Tags } from './types.js';

/** EC2's StateReason texts (DescribeInstances, "StateReason" in the API reference). */
const USER_STOP = {
  code: 'Client.UserInitiatedShutdown',
  message: 'Client.UserInitiatedShutdown: User initiated shutdown',
};
const INTERNAL_ERROR = {
  code: 'Server.InternalError',
  message: 'Server.InternalError: Internal error on launch',
};

export interface RunInstancesRequest {
  imageId: string;
  type: string;
  subnetId: string;
  privateIp?: string;
  count?: number;
  clientToken?: string;
  tags?: Tags;
}

export interface NewInstance {
  type: string;
  imageId: string;
  subnetId: string;
  privateIp?: string;
  tags: Tags;
}

/**
 * Instances from launch to stop: RunInstances with client-token replay, the timed
 * pending → running and stopping → stopped transitions, and the `instance-state` events.
 * It keeps the state that only the lifecycle needs (tokens, timers); the instances and ENIs
 * themselves live in `Ec2State`, where every other part of the emulator reads them.
 */
export class InstanceLifecycle {
  /** region + client token → the launch it made and a fingerprint of its parameters. */
  private readonly clientTokens = new Map<
    string,
    { reservationId: string; instanceIds: string[]; fingerprint: string }
  >();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly state: Ec2Store) {}

  /** Stop every pending transition timer; instances keep the state they are in. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get pendingTransitions(): number {
    return this.timers.size;
  }

  runInstances(
    region: string,
    req: RunInstancesRequest,
  ): { reservationId: string; instances: SimInstance[] } {
    const count = req.count ?? 1;
    const fingerprint = JSON.stringify([
      req.imageId,
      req.type,
      req.subnetId,
      req.privateIp ?? null,
      count,
    ]);
    if (req.clientToken !== undefined) {
      const seen = this.clientTokens.get(`${region} ${req.clientToken}`);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          throw new Ec2ApiError(
            'IdempotentParameterMismatch',
            `The client token '${req.clientToken}' was already used with different parameters.`,
          );
        }
        const instances = seen.instanceIds
          .map((id) => this.state.instances.get(id))
          .filter((x): x is SimInstance => x !== undefined);
        if (instances.every((x) => x.state === 'terminated')) {
          throw new Ec2ApiError(
            'IdempotentInstanceTerminated',
            `The instance launched with client token '${req.clientToken}' has been terminated.`,
          );
        }
        return { reservationId: seen.reservationId, instances };
      }
    }
    this.state.need(this.state.images, region, req.imageId, 'InvalidAMIID.NotFound', 'image id');
    if (count !== 1 && req.privateIp)
      throw new Ec2ApiError(
        'InvalidParameterCombination',
        'PrivateIpAddress can only be used when launching a single instance.',
      );
    const reservationId = newId('r');
    const instances: SimInstance[] = [];
    for (let n = 0; n < count; n += 1) {
      instances.push(
        this.createInstance(
          region,
          { ...req, tags: req.tags ?? {} },
          reservationId,
          'pending',
          req.clientToken,
        ),
      );
    }
    if (req.clientToken !== undefined) {
      this.clientTokens.set(`${region} ${req.clientToken}`, {
        reservationId,
        instanceIds: instances.map((i) => i.instanceId),
        fingerprint,
      });
    }
    return { reservationId, instances };
  }

  /** An instance with its primary ENI; a `pending` one boots after `bootMs`. */
  createInstance(
    region: string,
    req: NewInstance,
    reservationId: string,
    state: InstanceStateName,
    clientToken?: string,
  ): SimInstance {
    const subnet = this.state.need(
      this.state.subnets,
      region,
      req.subnetId,
      'InvalidSubnetID.NotFound',
      'subnet ID',
    );
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(req.type))
      throw invalidParameter(`Invalid value '${req.type}' for InstanceType.`);
    const privateIp = req.privateIp ?? allocatePrivateIp(this.state, subnet);
    if (!cidrContains(subnet.cidrBlock, privateIp)) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Address ${privateIp} does not fall within the subnet's address range`,
      );
    }
    if (privateIpInUse(this.state, subnet.subnetId, privateIp))
      throw new Ec2ApiError('InvalidIPAddress.InUse', `Address ${privateIp} is in use.`);
    const instanceId = newId('i');
    const eni: SimNetworkInterface = {
      networkInterfaceId: newId('eni'),
      region,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      privateIp,
      instanceId,
    };
    const inst: SimInstance = {
      instanceId,
      region,
      reservationId,
      type: req.type,
      imageId: req.imageId,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      privateIp,
      networkInterfaceId: eni.networkInterfaceId,
      sourceDestCheck: true,
      clientToken,
      tags: { ...req.tags },
      state,
      launchTime: this.state.now(),
    };
    this.state.networkInterfaces.set(eni.networkInterfaceId, eni);
    this.state.instances.set(instanceId, inst);
    if (state === 'pending')
      this.later(
        this.state.bootMs,
        () => inst.state === 'pending' && this.transition(inst, 'running'),
      );
    return inst;
  }

  stopInstance(
    region: string,
    instanceId: string,
  ): { previous: InstanceStateName; current: InstanceStateName } {
    const inst = this.state.need(
      this.state.instances,
      region,
      instanceId,
      'InvalidInstanceID.NotFound',
      'instance ID',
    );
    const previous = inst.state;
    if (previous === 'terminated' || previous === 'shutting-down') {
      throw new Ec2ApiError(
        'IncorrectInstanceState',
        `The instance '${instanceId}' is not in a state from which it can be stopped.`,
      );
    }
    if (previous === 'pending' || previous === 'running') {
      // As EC2 reports it (StateReason in DescribeInstances) after StopInstances.
      inst.stateReason = USER_STOP;
      this.transition(inst, 'stopping');
      this.later(
        this.state.stopMs,
        () => inst.state === 'stopping' && this.transition(inst, 'stopped'),
      );
    }
    return { previous, current: inst.state };
  }

  startInstance(
    region: string,
    instanceId: string,
  ): { previous: InstanceStateName; current: InstanceStateName } {
    const inst = this.state.need(
      this.state.instances,
      region,
      instanceId,
      'InvalidInstanceID.NotFound',
      'instance ID',
    );
    const previous = inst.state;
    if (previous === 'stopping' || previous === 'terminated' || previous === 'shutting-down') {
      throw new Ec2ApiError(
        'IncorrectInstanceState',
        `The instance '${instanceId}' is not in a state from which it can be started.`,
      );
    }
    if (previous === 'stopped') this.boot(inst);
    return { previous, current: inst.state };
  }

  /** Move an instance to a state now, with no timer (the world's "pull the plug"). */
  setInstanceState(
    instanceId: string,
    to: InstanceStateName,
    reason: { code: string; message: string } = INTERNAL_ERROR,
  ): void {
    const inst = this.state.instances.get(instanceId);
    if (!inst) throw new Error(`no instance ${instanceId} in the emulator`);
    if (to !== 'running' && to !== 'pending') inst.stateReason = reason;
    this.transition(inst, to);
  }

  private boot(inst: SimInstance): void {
    delete inst.stateReason;
    this.transition(inst, 'pending');
    this.later(
      this.state.bootMs,
      () => inst.state === 'pending' && this.transition(inst, 'running'),
    );
  }

  private transition(inst: SimInstance, to: InstanceStateName): void {
    const from = inst.state;
    if (from === to) return;
    inst.state = to;
    if (to === 'running' || to === 'pending') inst.launchTime = this.state.now();
    this.state.emit('instance-state', {
      instanceId: inst.instanceId,
      region: inst.region,
      from,
      to,
    });
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
