// Pins the agent's local state: credential and slice survive a reopen, files are private (0600), damage is a named error.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateStore, StateFileError, type PersistedState } from './state-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedhub-agent-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state: PersistedState = {
  desired: {
    hubId: 'hub-1',
    revision: 42,
    objects: new Map([
      [
        'core/ConfigMap/n/a',
        { key: 'core/ConfigMap/n/a', revision: 40, hash: 'h', source: 's', manifest: { kind: 'ConfigMap' } },
      ],
    ]),
  },
  previousHubIds: ['hub-0'],
  hubChangedAtMs: 1234,
};

describe('state store', () => {
  it('starts empty', () => {
    const s = openStateStore(path.join(dir, 'new'));
    expect(s.readCredential()).toBeUndefined();
    expect(s.readState()).toBeUndefined();
  });

  it('keeps the credential and the slice across a reopen', () => {
    const a = openStateStore(dir);
    a.writeCredential('secret-cred');
    a.writeState(state);
    const b = openStateStore(dir);
    expect(b.readCredential()).toBe('secret-cred');
    expect(b.readState()).toEqual(state);
  });

  it.each(['credential', 'slice.json'])('writes %s readable by the owner only', (file) => {
    const s = openStateStore(dir);
    s.writeCredential('c');
    s.writeState(state);
    expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['a slice file that is not JSON', '{oops', 'is not JSON'],
    ['a slice file of an unknown layout', '{"version":9}', 'has an unknown layout'],
  ])('reports %s as a StateFileError', (_n, content, message) => {
    writeFileSync(path.join(dir, 'slice.json'), content);
    const s = openStateStore(dir);
    expect(() => s.readState()).toThrow(StateFileError);
    expect(() => s.readState()).toThrow(message);
  });
});
