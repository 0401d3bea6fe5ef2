import * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';
import type { MemberInfo } from './control-plane.ts';

export type { MemberInfo };

/** The members started by the e2e globalSetup. */
export function testMembers(): MemberInfo[] {
  const members = inject('members');
  if (!members || members.length === 0) throw new Error('no members: run under the e2e vitest project');
  return members;
}

/** The run directory holding every harness process's log. */
export function testRunDir(): string {
  return inject('runDir');
}

/** Takes a member offline (its apiserver stops answering) until `resumeMember`. */
export function pauseMember(m: MemberInfo): void {
  process.kill(m.apiserverPid, 'SIGSTOP');
}

export function resumeMember(m: MemberInfo): void {
  process.kill(m.apiserverPid, 'SIGCONT');
}

/** A @kubernetes/client-node config for the member's admin. */
export function memberKubeConfig(m: MemberInfo): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(m.kubeconfigPath);
  return kc;
}
