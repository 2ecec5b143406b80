import { applyFilters, type FilterFields } from '../query.js';
import type { SimImage } from '../types.js';
import { tagSet, type XmlObject } from '../xml.js';
import { stopIfDryRun, type ActionContext } from './context.js';
import { Ec2ApiError } from '../ec2-error.js';

const imageFilter: FilterFields<SimImage> = {
  'image-id': (i) => [i.imageId],
  name: (i) => [i.name],
  'owner-id': (i) => [i.ownerId],
  state: (i) => [i.state ?? 'available'],
};

export function describeImages({ state, region, params }: ActionContext): XmlObject {
  const ids = params.list('ImageId');
  let images =
    ids.length > 0
      ? ids.map((id) => state.need(state.images, region, id, 'InvalidAMIID.NotFound', 'image id'))
      : state.inRegion(state.images, region);
  const owners = params.list('Owner');
  // Every emulated image is the account's own: `self` or the account id match, `amazon` does not.
  if (owners.length > 0)
    images = images.filter((i) => owners.includes('self') || owners.includes(i.ownerId));
  // AWS does not order DescribeImages; ordering by id (random) keeps callers honest about sorting.
  const sorted = applyFilters(images, params.filters(), imageFilter).sort((a, b) =>
    a.imageId.localeCompare(b.imageId),
  );
  return {
    imagesSet: sorted.map((i) => ({
      imageId: i.imageId,
      imageLocation: `${i.ownerId}/${i.name}`,
      imageState: i.state ?? 'available',
      imageOwnerId: i.ownerId,
      creationDate: i.creationDate,
      isPublic: false,
      architecture: 'x86_64',
      imageType: 'machine',
      name: i.name,
      rootDeviceType: 'ebs',
      virtualizationType: 'hvm',
      tagSet: tagSet(i.tags),
    })),
  };
}

export function createTags(ctx: ActionContext): XmlObject {
  const ids = ctx.params.list('ResourceId');
  if (ids.length === 0)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter ResourceId');
  const tags = ctx.params.tags('Tag');
  if (ctx.params.bool('DryRun')) {
    ctx.state.createTags(ctx.region, ids, {}); // validates the ids without changing anything
    stopIfDryRun(ctx);
  }
  ctx.state.createTags(ctx.region, ids, tags);
  return { return: true };
}
