import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths of the control-plane binaries the harness runs. */
export interface KubeBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  etcd: string;
  kwok: string;
  /** KWOK stage definitions (node initialise and heartbeat, pod ready, complete, delete). */
  kwokStages: string;
}

const FILES: Record<keyof KubeBinaries, string> = {
  kubeApiserver: 'kube-apiserver',
  kubeControllerManager: 'kube-controller-manager',
  kubeScheduler: 'kube-scheduler',
  etcd: 'etcd',
  kwok: 'kwok',
  kwokStages: 'kwok-stages.yaml',
};

const HERE = path.dirname(fileURLToPath(import.meta.url));

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the binaries: each one in KUBEBUILDER_ASSETS when that directory has it (the envtest
 * convention), the rest from the versioned build cache, which build-binaries.sh fills from the
 * Go module proxy when it is empty (12-20 minutes cold on 2 cores, instant when cached).
 */
export function resolveKubeBinaries(env: NodeJS.ProcessEnv = process.env): KubeBinaries {
  const assets = env['KUBEBUILDER_ASSETS'];
  const fromAssets = (file: string): string | undefined => {
    if (!assets) return undefined;
    const p = path.join(assets, file);
    return existsSync(p) && (file.endsWith('.yaml') || isExecutable(p)) ? p : undefined;
  };
  const found: Partial<KubeBinaries> = {};
  for (const [k, file] of Object.entries(FILES) as Array<[keyof KubeBinaries, string]>) {
    const p = fromAssets(file);
    if (p) found[k] = p;
  }
  if (Object.keys(found).length < Object.keys(FILES).length) {
    const script = path.join(HERE, 'build-binaries.sh');
    const res = spawnSync('bash', [script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const dir = res.stdout?.trim().split('\n').pop() ?? '';
    if (res.status !== 0 || !dir) {
      throw new Error(
        'fedhub test harness: the Kubernetes binaries are missing and could not be built ' +
          `(${script} exited ${res.status ?? res.signal}). Install Go 1.22+ so the script can build ` +
          'kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok from the Go module proxy, ' +
          'or set KUBEBUILDER_ASSETS to a directory that holds them (plus kwok-stages.yaml).',
      );
    }
    for (const [k, file] of Object.entries(FILES) as Array<[keyof KubeBinaries, string]>) {
      found[k] ??= path.join(dir, file);
    }
  }
  return found as KubeBinaries;
}
