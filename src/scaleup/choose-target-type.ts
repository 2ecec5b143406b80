/**
 * Which instance type a scale-up or scale-down moves to: `--type T`, else the next rung of
 * the router's ladder (inventory `ladder:`, small to big). A type that goes the wrong way,
 * or that the ladder does not know, is refused before anything is planned.
 */
import { BadInputError } from '../errors.js';

export type ScaleDirection = 'up' | 'down';

export interface TargetTypeInput {
  router: string;
  direction: ScaleDirection;
  currentType: string;
  ladder: readonly string[];
  requested?: string;
}

export function chooseTargetType(input: TargetTypeInput): string {
  const { router, direction, currentType, ladder, requested } = input;
  const verb = direction === 'up' ? 'scaleup' : 'scaledown';
  const ladderText = ladder.length > 0 ? ladder.join(' < ') : '(empty)';
  const fix = `routers.${router}.ladder in the inventory`;
  const here = ladder.indexOf(currentType);

  if (requested !== undefined) {
    const there = ladder.indexOf(requested);
    // The ladder is the team's list of sizes this router may run as; a type outside it is
    // more likely a typo (c5.larg) than a wish, and AWS would only fail later at launch.
    if (there < 0)
      throw new BadInputError(
        `${requested} is not on ${router}'s ladder (${ladderText})`,
        `choose one of the ladder's types, or add ${requested} to ${fix}`,
      );
    if (requested === currentType)
      throw new BadInputError(
        `${router} already runs as ${currentType}`,
        `nothing to ${verb}: choose another type on the ladder (${ladderText})`,
      );
    if (here < 0) return requested;
    if (direction === 'up' && there < here) {
      throw new BadInputError(
        `${requested} is smaller than ${router}'s current ${currentType}: a scaleup only goes up`,
        `use /router scaledown ${router} --type ${requested}`,
      );
    }
    if (direction === 'down' && there > here) {
      throw new BadInputError(
        `${requested} is larger than ${router}'s current ` +
          `${currentType}: a scaledown only goes down`,
        `use /router scaleup ${router} --type ${requested}`,
      );
    }
    return requested;
  }

  if (ladder.length === 0)
    throw new BadInputError(
      `${router} has no ladder of instance types`,
      `give --type T, or add e.g. ladder: [t3.medium, c5.large, c5.xlarge] to ${fix}`,
    );
  if (here < 0)
    throw new BadInputError(
      `${router} runs as ${currentType}, which is not on its ladder (${ladderText})`,
      `give --type T, or add ${currentType} to ${fix}`,
    );
  const next = ladder[direction === 'up' ? here + 1 : here - 1];
  if (next === undefined) {
    const end = direction === 'up' ? 'largest' : 'smallest';
    throw new BadInputError(
      `${router} already runs as ${currentType}, the ${end} type on its ladder (${ladderText})`,
      `add a ${direction === 'up' ? 'larger' : 'smaller'} type to ${fix}, or give --type T`,
    );
  }
  return next;
}
