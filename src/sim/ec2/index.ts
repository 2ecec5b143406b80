export { startEc2Emulator, regionOf, type Ec2Emulator } from './server.js';
export { Ec2State, type Ec2StateOptions, type RunInstancesRequest } from './state.js';
export { FaultInjector, type FaultSpec } from './faults.js';
export { Ec2ApiError } from './ec2-error.js';
export type * from './types.js';
export { INSTANCE_STATE_CODES } from './types.js';
