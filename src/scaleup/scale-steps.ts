/**
 * The scale-up / scale-down runbook's steps, declared once (the checklist is jobs/scaleup.ts),
 * with the results they save and later steps read. Saved as JSON in the run record (so: plain
 * data, no secrets) and checked against these schemas when read back.
 */
import { z } from 'zod';
import { CUTOVER_STEPS } from '../cutover/cutover-steps.js';
import { FlatnetError } from '../errors.js';
import { idsOf, stepRef } from '../runbook/step-ref.js';

export type { RouteRef } from '../cutover/cutover.js';
export type { RepointResult } from '../cutover/cutover-steps.js';

const routeRef = z.object({ routeTableId: z.string(), destination: z.string() });

const extraInterface = z.object({ networkInterfaceId: z.string(), deviceIndex: z.number() });

const loadFactsResult = z.object({
  router: z.string(),
  region: z.string(),
  direction: z.enum(['up', 'down']),
  instanceId: z.string(),
  currentType: z.string(),
  state: z.string(),
  networkInterfaceId: z.string(),
  privateIp: z.string(),
  subnetId: z.string(),
  load5: z.number(),
  loadThreshold: z.number(),
  elasticIp: z.object({
    allocationId: z.string(),
    publicIp: z.string(),
    holderInstanceId: z.string().nullable(),
    holderInterfaceId: z.string().nullable(),
  }),
  routes: z.array(routeRef),
  /** The router's interfaces besides eth0 (a leg into another VPC): they move to the new router. */
  extraInterfaces: z.array(extraInterface).optional(),
  targetType: z.string(),
  image: z.object({ imageId: z.string(), name: z.string(), creationDate: z.string() }),
  tunnelsUp: z.number(),
  bgpEstablished: z.number(),
});
export type LoadFactsResult = z.infer<typeof loadFactsResult>;

const launchResult = z.object({
  instanceId: z.string().nullable(),
  clientToken: z.string(),
  reused: z.boolean(),
});
export type LaunchResult = z.infer<typeof launchResult>;

const newInstance = z.object({
  instanceId: z.string(),
  networkInterfaceId: z.string(),
  privateIp: z.string(),
  type: z.string(),
});
export type NewInstance = z.infer<typeof newInstance>;

const copiedConfig = z.object({
  hostKey: z.string().nullable(),
  sshHost: z.string().nullable(),
  sshPort: z.number().nullable(),
  lines: z.number(),
  rewritten: z.number(),
  droppedHwIds: z.number(),
  /**
   * SAs and BGP neighbours up on the old router just before the cutover: what the new one must
   * match.
   */
  expectedSas: z.array(z.string()),
  expectedBgp: z.array(z.string()),
});
export type CopyConfigResult = z.infer<typeof copiedConfig>;

/** A dry run's copy: what would change, shown, never applied. */
const copyPreview = z.object({
  dryRun: z.literal(true),
  lines: z.number(),
  changed: z.number(),
  changes: z.array(z.string()),
});
export type CopyConfigPreview = z.infer<typeof copyPreview>;

const stoppedOldRouter = z.object({
  stopped: z.string(),
  /** EC2's word at the end of the step (older records have none). */
  state: z.string().optional(),
  inventoryLines: z.array(z.string()),
});
export type StopOldRouterResult = z.infer<typeof stoppedOldRouter>;

const movedInterfaces = z.object({ moved: z.array(extraInterface) });
export type MovedInterfaces = z.infer<typeof movedInterfaces>;

export const SCALE_STEPS = {
  loadFacts: stepRef('load-facts', loadFactsResult),
  launch: stepRef('launch', launchResult),
  waitRunning: stepRef('wait-running', newInstance),
  disableSourceDestCheck: stepRef('disable-source-dest-check'),
  copyConfig: stepRef('copy-config', z.union([copyPreview, copiedConfig])),
  moveElasticIp: CUTOVER_STEPS.moveElasticIp,
  repointRoutes: CUTOVER_STEPS.repointRoutes,
  bringTunnelsUp: CUTOVER_STEPS.bringTunnelsUp,
  moveInterfaces: stepRef('move-interfaces', movedInterfaces),
  verify: CUTOVER_STEPS.verify,
  stopOldRouter: stepRef('stop-old-router', stoppedOldRouter),
} as const;

export const SCALE_STEP_IDS = idsOf(SCALE_STEPS);

/** The copy a real run made (a dry run's preview has no new router to reach). */
export function copiedConfigOf(result: CopyConfigResult | CopyConfigPreview): CopyConfigResult {
  if ('dryRun' in result)
    throw new FlatnetError(
      'INTERNAL',
      'the copy-config step of a dry run copied nothing',
      'this is a flatnet bug: a step reached for the new router in a dry run',
    );
  return result;
}
