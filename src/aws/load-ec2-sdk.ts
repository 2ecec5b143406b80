/**
 * The EC2 SDK, loaded on the first AWS call instead of at start-up. It is by far the heaviest
 * module flatnet uses (≈ 87 MB of resident memory once imported), and most processes never
 * need it: the bot never talks to AWS (workers do), and an idle worker has not yet.
 * The promise is memoized, so every region's client shares the one import.
 */
import type * as Ec2SdkModule from '@aws-sdk/client-ec2';

export type Ec2Sdk = typeof Ec2SdkModule;

let ec2SdkLoading: Promise<Ec2Sdk> | undefined;

export function loadEc2Sdk(): Promise<Ec2Sdk> {
  ec2SdkLoading ??= import('@aws-sdk/client-ec2');
  return ec2SdkLoading;
}
