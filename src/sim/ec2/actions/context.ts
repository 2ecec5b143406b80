import { dryRunSucceeded } from '../ec2-error.js';
import type { QueryParams } from '../query.js';
import type { Ec2State } from '../state.js';
import type { XmlObject } from '../xml.js';

export interface ActionContext {
  state: Ec2State;
  /** From the SigV4 credential scope: one emulator serves every region. */
  region: string;
  params: QueryParams;
}

export type ActionHandler = (ctx: ActionContext) => XmlObject;

/**
 * AWS checks permissions and parameters, then answers DryRunOperation instead of acting.
 * Mutating handlers call this after their validation and before the change.
 */
export function stopIfDryRun(ctx: ActionContext): void {
  if (ctx.params.bool('DryRun')) throw dryRunSucceeded();
}
