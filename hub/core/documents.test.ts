// Pins document parsing: YAML streams, JSON, Lists, empty documents, kubectl's YAML 1.1 scalars, limits and errors.
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../shared/errors.ts';
import { DocumentLimitError, MalformedDocumentError, parseDocuments } from './documents.ts';

const limits = { maxDocuments: 10, maxDocumentBytes: 1000, maxDepth: 8 };

describe('parseDocuments', () => {
  it.each<[string, string, unknown[]]>([
    ['a single YAML document', 'kind: A\nmetadata: {name: a}\n', [{ kind: 'A', metadata: { name: 'a' } }]],
    ['a YAML stream in order', 'kind: A\n---\nkind: B\n', [{ kind: 'A' }, { kind: 'B' }]],
    [
      'empty, comment-only and null documents are skipped',
      '---\n---\n# nothing\n---\nkind: A\n---\nnull\n---\n',
      [{ kind: 'A' }],
    ],
    ['a JSON object', '{"kind": "A", "spec": {"x": [1, 2]}}', [{ kind: 'A', spec: { x: [1, 2] } }]],
    ['a JSON array, one document per item', '[{"kind": "A"}, {"kind": "B"}]', [{ kind: 'A' }, { kind: 'B' }]],
    [
      'a kind: List contributes its items in its place',
      'kind: Z\n---\napiVersion: v1\nkind: List\nitems:\n- kind: A\n- kind: B\n---\nkind: C\n',
      [{ kind: 'Z' }, { kind: 'A' }, { kind: 'B' }, { kind: 'C' }],
    ],
    ['a JSON List', '{"apiVersion": "v1", "kind": "List", "items": [{"kind": "A"}]}', [{ kind: 'A' }]],
    ['an empty text gives no documents', '', []],
    [
      'YAML 1.1 scalars as kubectl reads them: 0644 octal, yes/on true, timestamps and 22:22 as text',
      'a: 0644\nb: yes\nc: on\nd: 2020-01-01T00:00:00Z\ne: "22:22"\nf: 22:22\ng: 0x1F\n',
      [{ a: 420, b: true, c: true, d: '2020-01-01T00:00:00Z', e: '22:22', f: '22:22', g: 31 }],
    ],
    ['merge keys', 'base: &b {x: 1}\nm:\n  <<: *b\n  z: 2\n', [{ base: { x: 1 }, m: { x: 1, z: 2 } }]],
    ['flow-style YAML that is not JSON', '{kind: A, name: a}', [{ kind: 'A', name: 'a' }]],
  ])('parses %s', (_name, text, expected) => {
    expect(parseDocuments(text, limits)).toEqual(expected);
  });

  it.each<[string, string, typeof ValidationError, number, RegExp]>([
    [
      'malformed YAML with line and column',
      'kind: A\n---\nkind: B\nspec: [1, 2\n',
      MalformedDocumentError,
      2,
      /^document 2: yaml: .*at line 5, column 1/,
    ],
    [
      'a duplicate key',
      'a: 1\na: 2\n',
      MalformedDocumentError,
      1,
      /Map keys must be unique at line 2, column 1/,
    ],
    [
      'a scalar document',
      'kind: A\n---\njust text\n',
      MalformedDocumentError,
      2,
      /document 2: document: must be an object, got string "just text"/,
    ],
    [
      'a list document that is not a List',
      '- a\n- b\n',
      MalformedDocumentError,
      1,
      /must be an object, got an array/,
    ],
    [
      'a non-object item in a JSON array',
      '[{"kind": "A"}, 3]',
      MalformedDocumentError,
      2,
      /must be an object, got number 3/,
    ],
    [
      'a List inside a List',
      '{"kind":"List","items":[{"kind":"List","items":[]}]}',
      MalformedDocumentError,
      1,
      /may not contain another List/,
    ],
    [
      'List items that are not a list',
      'kind: List\nitems: {a: 1}\n',
      MalformedDocumentError,
      1,
      /items: must be a list/,
    ],
    [
      'too many documents',
      Array.from({ length: 11 }, (_, i) => `kind: K${i}`).join('\n---\n'),
      DocumentLimitError,
      11,
      /more than 10 documents/,
    ],
    [
      'an oversized document',
      `kind: A\n---\ndata: "${'x'.repeat(1000)}"\n`,
      DocumentLimitError,
      2,
      /over the limit of 1000/,
    ],
    [
      'an oversized JSON array item',
      `[{"kind":"A"},{"d":"${'x'.repeat(1000)}"}]`,
      DocumentLimitError,
      2,
      /over the limit of 1000/,
    ],
    [
      'a document nested too deeply',
      'a: {b: {c: {d: {e: {f: {g: {h: {i: 1}}}}}}}}',
      DocumentLimitError,
      1,
      /deeper than 8 levels/,
    ],
    [
      'an alias bomb',
      `a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      MalformedDocumentError,
      1,
      /alias/i,
    ],
  ])('rejects %s, naming the document', (_name, text, errorClass, document, message) => {
    let thrown: unknown;
    try {
      parseDocuments(text, { ...limits, maxDocumentBytes: text.includes('xxxx') ? 1000 : 100_000 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect(thrown).toMatchObject({ document });
    expect((thrown as Error).message).toMatch(message);
  });

  it('counts bytes, not characters, against the document limit', () => {
    const text = `a: "${'é'.repeat(300)}"\n`; // 300 characters, 600 bytes
    expect(() => parseDocuments(text, { ...limits, maxDocumentBytes: 500 })).toThrow(DocumentLimitError);
    expect(parseDocuments(text, { ...limits, maxDocumentBytes: 700 })).toHaveLength(1);
  });

  it('defaults maxDepth to 100', () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
    expect(
      parseDocuments(JSON.stringify(deep(100)), { maxDocuments: 1, maxDocumentBytes: 10_000 }),
    ).toHaveLength(1);
    expect(() =>
      parseDocuments(JSON.stringify(deep(101)), { maxDocuments: 1, maxDocumentBytes: 10_000 }),
    ).toThrow(/deeper than 100 levels/);
  });
});
