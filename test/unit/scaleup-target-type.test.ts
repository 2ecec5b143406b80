import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { chooseTargetType } from '../../src/scaleup/choose-target-type.js';

const ladder = ['t3.medium', 'c5.large', 'c5.xlarge', 'c5.2xlarge'];
const base = { router: 'hub-tokyo-a', ladder };

function refusal(fn: () => unknown): BadInputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return err as BadInputError;
  }
  throw new Error('expected a refusal');
}

describe('chooseTargetType', () => {
  it('takes the next rung up for a scale-up and the previous for a scale-down', () => {
    expect(chooseTargetType({ ...base, direction: 'up', currentType: 'c5.large' })).toBe(
      'c5.xlarge',
    );
    expect(chooseTargetType({ ...base, direction: 'down', currentType: 'c5.large' })).toBe(
      't3.medium',
    );
  });

  it('accepts --type in the right direction, skipping rungs', () => {
    expect(
      chooseTargetType({
        ...base,
        direction: 'up',
        currentType: 't3.medium',
        requested: 'c5.2xlarge',
      }),
    ).toBe('c5.2xlarge');
    expect(
      chooseTargetType({
        ...base,
        direction: 'down',
        currentType: 'c5.2xlarge',
        requested: 'c5.large',
      }),
    ).toBe('c5.large');
  });

  it('refuses a smaller type for a scale-up and points at scaledown', () => {
    const err = refusal(() =>
      chooseTargetType({
        ...base,
        direction: 'up',
        currentType: 'c5.xlarge',
        requested: 'c5.large',
      }),
    );
    expect(err.message).toMatch(/smaller/);
    expect(err.hint).toContain('/router scaledown hub-tokyo-a --type c5.large');
  });

  it('refuses a larger type for a scale-down and points at scaleup', () => {
    const err = refusal(() =>
      chooseTargetType({
        ...base,
        direction: 'down',
        currentType: 'c5.large',
        requested: 'c5.xlarge',
      }),
    );
    expect(err.message).toMatch(/larger/);
    expect(err.hint).toContain('/router scaleup');
  });

  it('refuses a type not on the ladder, naming the ladder and the fix', () => {
    const err = refusal(() =>
      chooseTargetType({ ...base, direction: 'up', currentType: 'c5.large', requested: 'c5.larg' }),
    );
    expect(err.message).toContain('t3.medium < c5.large < c5.xlarge < c5.2xlarge');
    expect(err.hint).toContain('routers.hub-tokyo-a.ladder');
  });

  it('refuses the current type', () => {
    expect(
      refusal(() =>
        chooseTargetType({
          ...base,
          direction: 'up',
          currentType: 'c5.large',
          requested: 'c5.large',
        }),
      ).message,
    ).toMatch(/already runs as c5.large/);
  });

  it('refuses to go past either end of the ladder', () => {
    expect(
      refusal(() => chooseTargetType({ ...base, direction: 'up', currentType: 'c5.2xlarge' }))
        .message,
    ).toMatch(/largest/);
    expect(
      refusal(() => chooseTargetType({ ...base, direction: 'down', currentType: 't3.medium' }))
        .message,
    ).toMatch(/smallest/);
  });

  it('refuses without --type when the ladder is empty or does not know the current type', () => {
    expect(
      refusal(() =>
        chooseTargetType({ router: 'r', ladder: [], direction: 'up', currentType: 'c5.large' }),
      ).hint,
    ).toMatch(/--type/);
    expect(
      refusal(() => chooseTargetType({ ...base, direction: 'up', currentType: 'm5.large' }))
        .message,
    ).toMatch(/not on its ladder/);
  });

  it('allows a ladder type when the current type is off the ladder (the operator chose it)', () => {
    expect(
      chooseTargetType({
        ...base,
        direction: 'up',
        currentType: 't1.micro',
        requested: 'c5.large',
      }),
    ).toBe('c5.large');
  });
});
