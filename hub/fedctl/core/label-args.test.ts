// Pins kubectl's label syntax as fedctl parses it: key=value sets, key- removes, anything else is a usage error naming the argument.
import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.ts';
import { parseLabelArgs, parseLabelList } from './label-args.ts';

describe('parseLabelArgs', () => {
  it.each([
    ['key=value sets a label', ['env=prod'], { env: 'prod' }],
    ['key- removes a label', ['env-'], { env: null }],
    ['sets and removals mix', ['env=prod', 'tier-'], { env: 'prod', tier: null }],
    ['a prefixed key is allowed', ['example.com/team=blue'], { 'example.com/team': 'blue' }],
    ['an empty value is allowed', ['env='], { env: '' }],
  ])('%s', (_name, args, patch) => {
    expect(parseLabelArgs(args)).toEqual(patch);
  });

  it.each([
    ['no arguments', [], /at least one label/],
    ['a bare word', ['env'], /invalid label spec "env"/],
    ['a key with a space', ['bad key=x'], /invalid label key/],
    ['a value with a slash', ['env=a/b'], /invalid label value/],
    ['the same key twice', ['env=a', 'env-'], /more than once/],
  ])('rejects %s', (_name, args, message) => {
    expect(() => parseLabelArgs(args)).toThrow(UsageError);
    expect(() => parseLabelArgs(args)).toThrow(message);
  });
});

describe('parseLabelList', () => {
  it('reads comma-separated pairs and names the flag when one is bad', () => {
    expect(parseLabelList('env=prod, region=eu', '--labels')).toEqual({ env: 'prod', region: 'eu' });
    expect(() => parseLabelList('env=prod,tier-', '--labels')).toThrow(/--labels: "tier-" must be key=value/);
  });
});
