import type { TestProject } from 'vitest/node';
import { startMembers, type MemberInfo, type Members } from './control-plane.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    members: MemberInfo[];
    runDir: string;
  }
}

let members: Members | undefined;

/**
 * Starts the real member control planes once for the whole e2e project (tests share them and
 * run file by file). FEDHUB_TEST_MEMBERS sets how many (default 3).
 */
export async function setup(project: TestProject): Promise<void> {
  const count = Number(process.env['FEDHUB_TEST_MEMBERS'] ?? 3);
  const t0 = Date.now();
  members = await startMembers({ count, log: (m) => console.log(`[harness] ${m}`) });
  console.log(
    `[harness] ${count} members up in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs in ${members.runDir}`,
  );
  project.provide('members', members.members);
  project.provide('runDir', members.runDir);
}

export async function teardown(): Promise<void> {
  await members?.stop();
}
