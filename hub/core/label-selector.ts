/**
 * Kubernetes label selectors: validation of the structured form (metav1.LabelSelector), matching,
 * and parsing of the string form kubectl accepts for list filters.
 */
import { ValidationError } from '../../shared/errors.ts';
import type { LabelSelector, Labels } from './model.ts';
import {
  describe,
  expectKnownKeys,
  expectLabels,
  expectObject,
  expectString,
  labelKeyError,
  labelValueError,
} from './fields.ts';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
type Operator = (typeof OPERATORS)[number];
type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

/**
 * Checks a structured selector and returns it typed: known fields only, valid label keys and
 * values, a known operator, values for In/NotIn and none for Exists/DoesNotExist.
 * @throws ValidationError naming the field, e.g. `spec.placement.clusterSelector.matchExpressions[0].operator`.
 */
export function validateLabelSelector(sel: unknown, field: string, document?: number): LabelSelector {
  const obj = expectObject(sel, field, document);
  expectKnownKeys(obj, ['matchLabels', 'matchExpressions'], field, document);
  const out: LabelSelector = {};
  if (obj.matchLabels !== undefined && obj.matchLabels !== null) {
    out.matchLabels = { ...expectLabels(obj.matchLabels, `${field}.matchLabels`, document) };
  }
  if (obj.matchExpressions !== undefined && obj.matchExpressions !== null) {
    if (!Array.isArray(obj.matchExpressions)) {
      throw new ValidationError(
        `${field}.matchExpressions`,
        `must be a list, got ${describe(obj.matchExpressions)}`,
        document,
      );
    }
    out.matchExpressions = obj.matchExpressions.map((e, i) =>
      validateRequirement(e, `${field}.matchExpressions[${i}]`, document),
    );
  }
  return out;
}

function validateRequirement(value: unknown, field: string, document?: number): Requirement {
  const req = expectObject(value, field, document);
  expectKnownKeys(req, ['key', 'operator', 'values'], field, document);
  const key = expectString(req.key, `${field}.key`, document);
  const keyError = labelKeyError(key);
  if (keyError)
    throw new ValidationError(
      `${field}.key`,
      `invalid label key ${JSON.stringify(key)}: ${keyError}`,
      document,
    );
  const operator = expectString(req.operator, `${field}.operator`, document);
  if (!(OPERATORS as readonly string[]).includes(operator)) {
    throw new ValidationError(
      `${field}.operator`,
      `unknown operator ${JSON.stringify(operator)} (expected one of ${OPERATORS.join(', ')})`,
      document,
    );
  }
  const rawValues = req.values ?? [];
  if (!Array.isArray(rawValues)) {
    throw new ValidationError(`${field}.values`, `must be a list, got ${describe(rawValues)}`, document);
  }
  const values = rawValues.map((v, i) => {
    const s = expectString(v, `${field}.values[${i}]`, document);
    const valueError = labelValueError(s);
    if (valueError)
      throw new ValidationError(`${field}.values[${i}]`, `invalid label value: ${valueError}`, document);
    return s;
  });
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    throw new ValidationError(`${field}.values`, `must be non-empty when operator is ${operator}`, document);
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    throw new ValidationError(`${field}.values`, `must be empty when operator is ${operator}`, document);
  }
  return values.length > 0
    ? { key, operator: operator as Operator, values }
    : { key, operator: operator as Operator };
}

/**
 * Whether `labels` satisfy `sel`: every matchLabels pair AND every expression. An empty selector
 * ({}) matches everything; an absent one (undefined) matches nothing, as in Kubernetes.
 */
export function matchesLabelSelector(labels: Labels, sel: LabelSelector | undefined): boolean {
  if (sel === undefined) return false;
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const req of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    const listed = has && value !== undefined && (req.values ?? []).includes(value);
    const ok =
      req.operator === 'In'
        ? listed
        : req.operator === 'NotIn'
          ? !listed
          : req.operator === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '(' | ')' | ','; pos: number };

const WORD = /[A-Za-z0-9_.\-/]/;

function tokenize(text: string, field: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '=' || ch === '!') {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two, pos: i });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: ch, pos: i });
        i++;
      }
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'op', text: ch, pos: i });
      i++;
    } else if (WORD.test(ch)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else {
      throw new ValidationError(field, `unexpected character ${JSON.stringify(ch)} at position ${i + 1}`);
    }
  }
  return tokens;
}

/**
 * Parses kubectl's selector syntax (`a=b,c!=d,e in (x,y),f notin (z),!g,h`) into an equivalent
 * structured selector made of matchExpressions: `a=b` and `a==b` are In [b], `c!=d` is NotIn [d]
 * (so it also matches objects without c), `!g` is DoesNotExist and `h` is Exists. The empty string
 * selects everything. Gt and Lt are not supported.
 * @throws ValidationError naming `field` with the position of the problem.
 */
export function parseLabelSelectorString(text: string, field = 'labelSelector'): LabelSelector {
  const tokens = tokenize(text, field);
  const expressions: Requirement[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const where = (t: Token | undefined) => (t ? `at position ${t.pos + 1}` : 'at the end');
  const fail = (t: Token | undefined, reason: string): never => {
    throw new ValidationError(field, `${reason} ${where(t)}`);
  };
  const word = (what: string): string => {
    const t = peek();
    if (t?.kind !== 'word') return fail(t, `expected ${what}`);
    i++;
    return t.text;
  };

  while (i < tokens.length) {
    const t = peek();
    if (t?.kind === 'op' && t.text === '!') {
      i++;
      expressions.push({ key: word('a label key after "!"'), operator: 'DoesNotExist' });
    } else {
      const key = word('a label key');
      const next = peek();
      if (next === undefined || (next.kind === 'op' && next.text === ',')) {
        expressions.push({ key, operator: 'Exists' });
      } else if (next.kind === 'op' && (next.text === '=' || next.text === '==' || next.text === '!=')) {
        i++;
        // "a=" selects the empty value, as in kubectl.
        const after = peek();
        const value = after?.kind === 'word' ? word('a value') : '';
        expressions.push({ key, operator: next.text === '!=' ? 'NotIn' : 'In', values: [value] });
      } else if (next.kind === 'word' && (next.text === 'in' || next.text === 'notin')) {
        i++;
        const open = peek();
        if (!(open?.kind === 'op' && open.text === '(')) fail(open, `expected "(" after "${next.text}"`);
        i++;
        const values: string[] = [];
        for (;;) {
          values.push(word('a value'));
          const sep = peek();
          if (sep?.kind === 'op' && sep.text === ')') {
            i++;
            break;
          }
          if (!(sep?.kind === 'op' && sep.text === ',')) fail(sep, 'expected "," or ")"');
          i++;
        }
        expressions.push({ key, operator: next.text === 'in' ? 'In' : 'NotIn', values });
      } else {
        fail(next, `expected "=", "==", "!=", "in", "notin" or "," after "${key}"`);
      }
    }
    const sep = peek();
    if (sep === undefined) break;
    if (!(sep.kind === 'op' && sep.text === ',')) fail(sep, 'expected ","');
    i++;
    if (peek() === undefined) fail(undefined, 'expected a requirement after ","');
  }
  const sel: LabelSelector = expressions.length > 0 ? { matchExpressions: expressions } : {};
  try {
    return validateLabelSelector(sel, field);
  } catch (err) {
    // Name the requirement by its text rather than by an index into a list the user never wrote.
    if (err instanceof ValidationError) {
      const index = /matchExpressions\[(\d+)\]/.exec(err.field)?.[1];
      const req = index === undefined ? undefined : expressions[Number(index)];
      throw new ValidationError(
        field,
        `${err.message.slice(err.field.length + 2)} (in requirement on "${req?.key}")`,
      );
    }
    throw err;
  }
}
