// Pins label selector validation, matching (nil vs empty), and kubectl string parsing.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { matchesLabelSelector, parseLabelSelectorString, validateLabelSelector } from './label-selector.ts';
import type { LabelSelector, Labels } from './model.ts';

const east: Labels = { region: 'east', tier: 'gold' };

describe('matchesLabelSelector', () => {
  it.each<[string, LabelSelector | undefined, Labels, boolean]>([
    ['an absent selector matches nothing', undefined, east, false],
    ['an empty selector matches everything', {}, east, true],
    ['an empty selector matches a cluster without labels', {}, {}, true],
    ['matchLabels matches an equal value', { matchLabels: { region: 'east' } }, east, true],
    ['matchLabels rejects another value', { matchLabels: { region: 'west' } }, east, false],
    ['matchLabels rejects a missing key', { matchLabels: { zone: 'a' } }, east, false],
    ['matchLabels needs every pair', { matchLabels: { region: 'east', tier: 'silver' } }, east, false],
    [
      'In matches a listed value',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'x'] }] },
      east,
      true,
    ],
    [
      'In rejects a missing key',
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      east,
      false,
    ],
    [
      'NotIn rejects a listed value',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] },
      east,
      false,
    ],
    [
      'NotIn matches a missing key',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      east,
      true,
    ],
    [
      'Exists matches a present key with any value',
      { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      east,
      true,
    ],
    [
      'Exists matches a present empty value',
      { matchExpressions: [{ key: 'x', operator: 'Exists' }] },
      { x: '' },
      true,
    ],
    [
      'DoesNotExist rejects a present key',
      { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      east,
      false,
    ],
    [
      'DoesNotExist matches a missing key',
      { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] },
      east,
      true,
    ],
    [
      'matchLabels AND matchExpressions must both hold',
      {
        matchLabels: { region: 'east' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['silver'] }],
      },
      east,
      false,
    ],
    [
      'an inherited property is not a label',
      { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
      {},
      false,
    ],
  ])('%s', (_name, sel, labels, expected) => {
    expect(matchesLabelSelector(labels, sel)).toBe(expected);
  });
});

describe('validateLabelSelector', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['a selector that is not an object', 'region=east', 'sel', /must be an object/],
    ['an unknown field', { matchLabel: { a: 'b' } }, 'sel.matchLabel', /unknown field/],
    [
      'an unknown operator',
      { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] },
      'sel.matchExpressions[0].operator',
      /unknown operator "Equals"/,
    ],
    [
      'In without values',
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      'sel.matchExpressions[0].values',
      /non-empty when operator is In/,
    ],
    [
      'NotIn with an empty list',
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      'sel.matchExpressions[0].values',
      /non-empty/,
    ],
    [
      'Exists with values',
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'sel.matchExpressions[0].values',
      /must be empty when operator is Exists/,
    ],
    [
      'an invalid expression key',
      { matchExpressions: [{ key: '-a', operator: 'Exists' }] },
      'sel.matchExpressions[0].key',
      /invalid label key/,
    ],
    [
      'an invalid expression value',
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['b c'] }] },
      'sel.matchExpressions[0].values[0]',
      /invalid label value/,
    ],
    [
      'an invalid matchLabels key prefix',
      { matchLabels: { 'Bad_Prefix/a': 'b' } },
      'sel.matchLabels["Bad_Prefix/a"]',
      /prefix part/,
    ],
    [
      'a matchLabels value over 63 characters',
      { matchLabels: { a: 'x'.repeat(64) } },
      'sel.matchLabels["a"]',
      /63 characters/,
    ],
    ['a non-string matchLabels value', { matchLabels: { a: 1 } }, 'sel.matchLabels["a"]', /must be a string/],
    [
      'matchExpressions that is not a list',
      { matchExpressions: {} },
      'sel.matchExpressions',
      /must be a list/,
    ],
  ])('rejects %s, naming the field', (_name, sel, field, reason) => {
    const thrown = (() => {
      try {
        validateLabelSelector(sel, 'sel', 2);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field, document: 2 });
    expect((thrown as Error).message).toMatch(reason);
  });

  it.each<[string, unknown]>([
    ['an empty selector', {}],
    ['prefixed keys and empty values', { matchLabels: { 'example.com/team': '' } }],
    [
      'every operator used correctly',
      {
        matchExpressions: [
          { key: 'a', operator: 'In', values: ['x'] },
          { key: 'b', operator: 'NotIn', values: ['y', 'z'] },
          { key: 'c', operator: 'Exists' },
          { key: 'd', operator: 'DoesNotExist', values: [] },
        ],
      },
    ],
  ])('accepts %s', (_name, sel) => {
    expect(() => validateLabelSelector(sel, 'sel')).not.toThrow();
  });
});

describe('parseLabelSelectorString', () => {
  it.each<[string, string, LabelSelector]>([
    ['the empty string selects everything', '', {}],
    ['a=b is In [b]', 'a=b', { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }],
    ['a==b is In [b]', 'a==b', { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }],
    ['a= selects the empty value', 'a=', { matchExpressions: [{ key: 'a', operator: 'In', values: [''] }] }],
    ['c!=d is NotIn [d]', 'c!=d', { matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['d'] }] }],
    [
      '"e in (x, y)" is In with both values',
      'e in (x, y)',
      { matchExpressions: [{ key: 'e', operator: 'In', values: ['x', 'y'] }] },
    ],
    ['notin is NotIn', 'e notin (x)', { matchExpressions: [{ key: 'e', operator: 'NotIn', values: ['x'] }] }],
    ['!f is DoesNotExist', '!f', { matchExpressions: [{ key: 'f', operator: 'DoesNotExist' }] }],
    [
      'a bare key is Exists',
      'example.com/g',
      { matchExpressions: [{ key: 'example.com/g', operator: 'Exists' }] },
    ],
    [
      'the full kubectl example',
      'a=b,c!=d,e in (x,y),!f,g',
      {
        matchExpressions: [
          { key: 'a', operator: 'In', values: ['b'] },
          { key: 'c', operator: 'NotIn', values: ['d'] },
          { key: 'e', operator: 'In', values: ['x', 'y'] },
          { key: 'f', operator: 'DoesNotExist' },
          { key: 'g', operator: 'Exists' },
        ],
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseLabelSelectorString(text)).toEqual(expected);
  });

  it.each<[string, string, RegExp]>([
    ['a dangling comma', 'a=b,', /expected a requirement after "," at the end/],
    ['an empty set', 'e in ()', /expected a value at position 7/],
    ['an unclosed set', 'e in (x', /expected "," or "\)" at the end/],
    ['a missing "(" after in', 'e in x', /expected "\(" after "in" at position 6/],
    ['an unsupported operator', 'a > 1', /unexpected character ">" at position 3/],
    ['two keys without a comma', 'a b', /expected "=", "==", "!=", "in", "notin" or ","/],
    ['an invalid key', '-a=b', /invalid label key.*requirement on "-a"/],
    ['an invalid value', 'a=b..', /invalid label value.*requirement on "a"/],
  ])('rejects %s with a clear message', (_name, text, reason) => {
    expect(() => parseLabelSelectorString(text, 'labelSelector')).toThrow(ValidationError);
    expect(() => parseLabelSelectorString(text, 'labelSelector')).toThrow(reason);
  });

  it('parses into a selector that matches like kubectl', () => {
    const sel = parseLabelSelectorString('region in (east,west),tier!=bronze,!legacy');
    expect(matchesLabelSelector({ region: 'east' }, sel)).toBe(true);
    expect(matchesLabelSelector({ region: 'east', tier: 'bronze' }, sel)).toBe(false);
    expect(matchesLabelSelector({ region: 'west', legacy: 'yes' }, sel)).toBe(false);
    expect(matchesLabelSelector({ region: 'north' }, sel)).toBe(false);
  });
});
