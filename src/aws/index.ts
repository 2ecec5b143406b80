export { createCloud, type CloudOptions } from './create-cloud.js';
export type { Cloud } from './cloud.js';
export { EC2_ACTIONS_USED, type Ec2Action } from './ec2-actions.js';
export { toCloudError } from './map-aws-error.js';
export type * from './types.js';
