/**
 * `-f FILE|DIR|-`: reads manifests from files, directories (recursively with -R) and stdin, as
 * kubectl does: multi-document YAML or JSON, `kind: List` expanded, empty documents skipped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CliError } from './core/cli-errors.ts';

export interface ManifestDoc {
  /** The file it came from, or "stdin". */
  source: string;
  /** 1-based position in its file. */
  index: number;
  doc: unknown;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function filesOf(target: string, recursive: boolean, top: boolean): string[] {
  let st;
  try {
    st = statSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `the path ${JSON.stringify(target)} does not exist${code && code !== 'ENOENT' ? ` (${code})` : ''}`,
    );
  }
  if (!st.isDirectory()) return [target];
  if (!top && !recursive) return [];
  return readdirSync(target)
    .sort()
    .flatMap((name) => {
      const full = path.join(target, name);
      const isDir = statSync(full).isDirectory();
      if (isDir) return recursive ? filesOf(full, recursive, false) : [];
      return EXTENSIONS.has(path.extname(name)) ? [full] : [];
    });
}

/** Parses one file's text into documents. @throws CliError naming the file, document and line. */
export function parseManifestText(text: string, source: string): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  parseAllDocuments(text).forEach((d, i) => {
    const first = d.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line;
      throw new CliError(
        `error parsing ${source}: document ${i + 1}${line ? ` (line ${line})` : ''}: ${first.message.split('\n')[0]!.replace(/:\s*$/, '')}`,
      );
    }
    const doc: unknown = d.toJS();
    if (doc === null || doc === undefined) return;
    const items = (doc as { kind?: unknown; items?: unknown }).items;
    if ((doc as { kind?: unknown }).kind === 'List' && Array.isArray(items)) {
      for (const item of items) out.push({ source, index: i + 1, doc: item });
    } else out.push({ source, index: i + 1, doc });
  });
  return out;
}

export async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin)
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** Every document behind the -f arguments, in order. @throws CliError when nothing was found. */
export async function readManifests(
  targets: readonly string[],
  opts: { recursive: boolean; stdin: NodeJS.ReadableStream },
): Promise<ManifestDoc[]> {
  const docs: ManifestDoc[] = [];
  for (const target of targets) {
    if (target === '-') {
      docs.push(...parseManifestText(await readStdin(opts.stdin), 'stdin'));
      continue;
    }
    for (const file of filesOf(target, opts.recursive, true)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(
          `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
      docs.push(...parseManifestText(text, file));
    }
  }
  if (docs.length === 0) throw new CliError(`no objects passed (nothing found in ${targets.join(', ')})`);
  return docs;
}

/** "federateddeployment/web" of a document, or a placeholder when it has no kind or name. */
export function docName(doc: unknown): string {
  const d = (doc ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = typeof d.kind === 'string' ? d.kind.toLowerCase() : '<no kind>';
  const name = typeof d.metadata?.name === 'string' ? d.metadata.name : '<no name>';
  return `${kind}/${name}`;
}
