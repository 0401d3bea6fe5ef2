/**
 * What the agent keeps on local disk, in its state directory (mode 0700, files 0600):
 * `credential` (the per-cluster credential) and `slice.json` (hub identity, the revision applied
 * in full, the last known desired objects, and when the hub identity last changed). Writes go
 * to a temporary file that is renamed into place, so a crash leaves the old or the new copy.
 */
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import path from 'node:path';
import { FedhubError } from '../shared/errors.ts';
import type { DesiredObject, DesiredState } from './core/desired-set.ts';

export interface PersistedState {
  desired: DesiredState;
  /** Hub identities seen before the current one, and when the current one replaced them (ms). */
  previousHubIds: string[];
  hubChangedAtMs: number;
}

interface SliceFile {
  version: 1;
  hubId: string;
  revision: number;
  previousHubIds: string[];
  hubChangedAtMs: number;
  objects: DesiredObject[];
}

export class StateFileError extends FedhubError {
  readonly file: string;
  constructor(file: string, reason: string, cause?: unknown) {
    super(`${file}: ${reason}`, { cause });
    this.file = file;
  }
}

function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, 'cannot be read', err);
  }
}

export interface StateStore {
  readonly dir: string;
  readCredential(): string | undefined;
  writeCredential(credential: string): void;
  /** The persisted slice, or undefined when there is none yet. */
  readState(): PersistedState | undefined;
  writeState(state: PersistedState): void;
}

export function openStateStore(dir: string): StateStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch {
    // A mounted volume may belong to root with the pod's fsGroup: the files themselves stay 0600.
  }
  const credFile = path.join(dir, 'credential');
  const sliceFile = path.join(dir, 'slice.json');
  return {
    dir,
    readCredential() {
      const c = readOptional(credFile)?.trim();
      return c ? c : undefined;
    },
    writeCredential(credential) {
      writeAtomic(credFile, `${credential}\n`);
    },
    readState() {
      const raw = readOptional(sliceFile);
      if (raw === undefined) return undefined;
      let f: SliceFile;
      try {
        f = JSON.parse(raw) as SliceFile;
      } catch (err) {
        throw new StateFileError(sliceFile, 'is not JSON', err);
      }
      if (
        f.version !== 1 ||
        typeof f.hubId !== 'string' ||
        typeof f.revision !== 'number' ||
        !Array.isArray(f.objects)
      ) {
        throw new StateFileError(sliceFile, 'has an unknown layout');
      }
      return {
        desired: { hubId: f.hubId, revision: f.revision, objects: new Map(f.objects.map((o) => [o.key, o])) },
        previousHubIds: Array.isArray(f.previousHubIds) ? f.previousHubIds : [],
        hubChangedAtMs: typeof f.hubChangedAtMs === 'number' ? f.hubChangedAtMs : 0,
      };
    },
    writeState(s) {
      const f: SliceFile = {
        version: 1,
        hubId: s.desired.hubId,
        revision: s.desired.revision,
        previousHubIds: s.previousHubIds,
        hubChangedAtMs: s.hubChangedAtMs,
        objects: [...s.desired.objects.values()],
      };
      writeAtomic(sliceFile, JSON.stringify(f));
    },
  };
}
