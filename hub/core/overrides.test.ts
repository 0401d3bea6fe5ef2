// Pins override validation (forbidden paths, duplicates, ops, pointers) and patch application without mutation.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import type { ClusterOverride } from './model.ts';
import { applyOverrides, validateOverrides } from './overrides.ts';

const F = 'spec.overrides';

describe('validateOverrides', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['overrides that are not a list', { c1: [] }, F, /must be a list/],
    ['an item that is not an object', ['c1'], `${F}[0]`, /must be an object/],
    ['a missing clusterName', [{ clusterOverrides: [] }], `${F}[0].clusterName`, /must be a string/],
    [
      'the same clusterName twice',
      [{ clusterName: 'c1' }, { clusterName: 'c1' }],
      `${F}[1].clusterName`,
      /already has overrides at spec\.overrides\[0\]/,
    ],
    ...(['/metadata/name', '/metadata/namespace', '/metadata/generateName', '/kind', '/apiVersion'].map(
      (path) => [
        `a forbidden path ${path}`,
        [{ clusterName: 'c1', clusterOverrides: [{ op: 'add', path, value: 'x' }] }],
        `${F}[0].clusterOverrides[0].path`,
        /may not be overridden/,
      ],
    ) as Array<[string, unknown, string, RegExp]>),
    [
      'the same path twice for one cluster',
      [
        {
          clusterName: 'c1',
          clusterOverrides: [
            { path: '/spec/replicas', value: 1 },
            { op: 'remove', path: '/spec/replicas' },
          ],
        },
      ],
      `${F}[0].clusterOverrides[1].path`,
      /more than once/,
    ],
    [
      'an unknown op',
      [{ clusterName: 'c1', clusterOverrides: [{ op: 'move', path: '/a', value: 1 }] }],
      `${F}[0].clusterOverrides[0].op`,
      /unknown op string "move"/,
    ],
    [
      'a path that is not a JSON pointer',
      [{ clusterName: 'c1', clusterOverrides: [{ path: 'spec.replicas', value: 1 }] }],
      `${F}[0].clusterOverrides[0].path`,
      /not a JSON pointer/,
    ],
    [
      'the whole-document pointer ""',
      [{ clusterName: 'c1', clusterOverrides: [{ path: '', value: {} }] }],
      `${F}[0].clusterOverrides[0].path`,
      /not a JSON pointer/,
    ],
    [
      'a bad "~" escape',
      [{ clusterName: 'c1', clusterOverrides: [{ path: '/metadata/labels/a~2b', value: 'x' }] }],
      `${F}[0].clusterOverrides[0].path`,
      /not a JSON pointer/,
    ],
    [
      'replace without a value (replace is the default op)',
      [{ clusterName: 'c1', clusterOverrides: [{ path: '/spec/replicas' }] }],
      `${F}[0].clusterOverrides[0].value`,
      /required when op is replace/,
    ],
    [
      'add without a value',
      [{ clusterName: 'c1', clusterOverrides: [{ op: 'add', path: '/spec/x' }] }],
      `${F}[0].clusterOverrides[0].value`,
      /required when op is add/,
    ],
    [
      'an unknown field in an override',
      [{ clusterName: 'c1', clusterOverrides: [{ path: '/a', value: 1, from: '/b' }] }],
      `${F}[0].clusterOverrides[0].from`,
      /unknown field/,
    ],
  ])('rejects %s', (_name, overrides, field, reason) => {
    let thrown: unknown;
    try {
      validateOverrides(overrides, F, 3);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field, document: 3 });
    expect((thrown as Error).message).toMatch(reason);
  });

  it.each<[string, unknown, unknown]>([
    ['absent overrides as none', undefined, []],
    ['null overrides as none', null, []],
    [
      'a cluster without clusterOverrides',
      [{ clusterName: 'c1' }],
      [{ clusterName: 'c1', clusterOverrides: [] }],
    ],
    [
      'remove without a value, null as a value, and escaped keys',
      [
        {
          clusterName: 'c1',
          clusterOverrides: [
            { op: 'remove', path: '/spec/x' },
            { path: '/spec/y', value: null },
            { op: 'add', path: '/metadata/annotations/example.com~1team', value: 'a' },
          ],
        },
      ],
      [
        {
          clusterName: 'c1',
          clusterOverrides: [
            { op: 'remove', path: '/spec/x' },
            { op: 'replace', path: '/spec/y', value: null },
            { op: 'add', path: '/metadata/annotations/example.com~1team', value: 'a' },
          ],
        },
      ],
    ],
    [
      'the same path for two different clusters',
      [
        { clusterName: 'c1', clusterOverrides: [{ path: '/spec/replicas', value: 1 }] },
        { clusterName: 'c2', clusterOverrides: [{ path: '/spec/replicas', value: 2 }] },
      ],
      [
        { clusterName: 'c1', clusterOverrides: [{ op: 'replace', path: '/spec/replicas', value: 1 }] },
        { clusterName: 'c2', clusterOverrides: [{ op: 'replace', path: '/spec/replicas', value: 2 }] },
      ],
    ],
  ])('accepts %s', (_name, overrides, expected) => {
    expect(validateOverrides(overrides, F)).toEqual(expected);
  });
});

describe('applyOverrides', () => {
  const template = () => ({
    metadata: { labels: { app: 'web' } },
    spec: { replicas: 3, containers: [{ name: 'a', image: 'nginx:1' }] },
  });

  it.each<[string, ClusterOverride[], unknown]>([
    ['no overrides returns an equal copy', [], template()],
    [
      'replace is the default op',
      [{ path: '/spec/replicas', value: 5 }],
      { ...template(), spec: { ...template().spec, replicas: 5 } },
    ],
    [
      'add creates a missing key',
      [{ op: 'add', path: '/metadata/labels/tier', value: 'gold' }],
      {
        ...template(),
        metadata: { labels: { app: 'web', tier: 'gold' } },
      },
    ],
    [
      'remove deletes a key',
      [{ op: 'remove', path: '/metadata/labels/app' }],
      { ...template(), metadata: { labels: {} } },
    ],
    [
      'overrides apply in order, so a later one sees an earlier one',
      [
        { op: 'add', path: '/spec/extra', value: { a: 1 } },
        { op: 'replace', path: '/spec/extra/a', value: 2 },
      ],
      { ...template(), spec: { ...template().spec, extra: { a: 2 } } },
    ],
    [
      'add with "-" appends to an array',
      [{ op: 'add', path: '/spec/containers/-', value: { name: 'b' } }],
      {
        ...template(),
        spec: { ...template().spec, containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b' }] },
      },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(applyOverrides(template(), overrides)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, ClusterOverride[], RegExp]>([
    [
      'add under a missing parent',
      [{ op: 'add', path: '/spec/missing/child', value: 1 }],
      /override 0 \(add \/spec\/missing\/child\): the parent of the path does not exist/,
    ],
    [
      'replace of a missing path',
      [{ op: 'replace', path: '/spec/nothing', value: 1 }],
      /override 0 \(replace \/spec\/nothing\): the path does not exist/,
    ],
    [
      'remove of a missing path',
      [{ op: 'remove', path: '/metadata/annotations' }],
      /the path does not exist/,
    ],
    [
      'an out-of-range index',
      [{ op: 'add', path: '/spec/containers/5', value: {} }],
      /the array index is out of range/,
    ],
    [
      'a failure after a success, naming the failing override',
      [
        { path: '/spec/replicas', value: 1 },
        { op: 'replace', path: '/spec/containers/3/image', value: 'x' },
      ],
      /^override 1 \(replace \/spec\/containers\/3\/image\)/,
    ],
  ])('reports %s as a failure, not a crash', (_name, overrides, message) => {
    const result = applyOverrides(template(), overrides);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it('never mutates the input object or the override values', () => {
    const input = template();
    const value = { nested: ['x'] };
    const overrides: ClusterOverride[] = [
      { op: 'add', path: '/spec/extra', value },
      { op: 'remove', path: '/metadata/labels/app' },
    ];
    const result = applyOverrides(input, overrides);
    expect(input).toEqual(template());
    expect(result.ok && result.value.spec).toMatchObject({ extra: { nested: ['x'] } });
    ((result.ok && (result.value.spec as { extra: { nested: string[] } }).extra.nested) as string[]).push(
      'y',
    );
    expect(value).toEqual({ nested: ['x'] });
  });

  it('does not touch the input when a later override fails', () => {
    const input = template();
    applyOverrides(input, [
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'remove', path: '/nothing' },
    ]);
    expect(input).toEqual(template());
  });
});
