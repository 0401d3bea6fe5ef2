/**
 * kubectl's label syntax: `key=value` sets, `key-` removes. Pure parsing; the hub validates keys
 * and values again.
 */
import { UsageError } from './cli-errors.ts';

/** A merge patch for the hub: a string sets the label, null removes it. */
export type LabelPatch = Record<string, string | null>;

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * Parses label arguments into a patch.
 * @throws UsageError naming the argument when it is neither `k=v` nor `k-`, or a key appears twice.
 */
export function parseLabelArgs(args: readonly string[]): LabelPatch {
  if (args.length === 0) throw new UsageError('at least one label update is required (key=value or key-)');
  const patch: LabelPatch = {};
  for (const arg of args) {
    let key: string;
    let value: string | null;
    const eq = arg.indexOf('=');
    if (eq >= 0) {
      key = arg.slice(0, eq);
      value = arg.slice(eq + 1);
      if (!VALUE.test(value) || value.length > 63)
        throw new UsageError(
          `invalid label value in ${JSON.stringify(arg)}: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        );
    } else if (arg.endsWith('-')) {
      key = arg.slice(0, -1);
      value = null;
    } else {
      throw new UsageError(
        `invalid label spec ${JSON.stringify(arg)}: use key=value to set or key- to remove`,
      );
    }
    if (!KEY.test(key) || key.length > 253 + 1 + 63)
      throw new UsageError(
        `invalid label key in ${JSON.stringify(arg)}: must be [prefix/]name like team or example.com/team`,
      );
    if (key in patch) throw new UsageError(`label ${JSON.stringify(key)} is given more than once`);
    patch[key] = value;
  }
  return patch;
}

/** Parses `k=v,k2=v2` (the --labels and --cluster-selector form) into labels. */
export function parseLabelList(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const patch = (() => {
      try {
        return parseLabelArgs([part]);
      } catch (err) {
        throw new UsageError(`${flag}: ${(err as Error).message}`);
      }
    })();
    const [key, value] = Object.entries(patch)[0]!;
    if (value === null) throw new UsageError(`${flag}: ${JSON.stringify(part)} must be key=value`);
    out[key] = value;
  }
  return out;
}
