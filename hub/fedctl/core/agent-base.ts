/**
 * The agent's kustomize base in deploy/agent: the rendered install without a Secret, for the
 * built-in kinds, trusting the hub with ca.crt from the Secret. A test keeps deploy/agent/agent.yaml
 * equal to it.
 */
import { BUILTIN_TYPES } from '../../core/type-registry.ts';
import { managedFromRegistrations, renderAgentManifests } from './agent-manifests.ts';

export const AGENT_BASE_HEADER = [
  '# Generated from renderAgentManifests (hub/fedctl/core/agent-base.ts); a test keeps it in sync.',
  '# Overlays set the ConfigMap fedhub-agent (clusterName, hubAddress) and create the Secret',
  '# fedhub-agent-bootstrap with keys token and ca.crt (see deploy/README.md).',
  '',
].join('\n');

export function agentBaseObjects(): Array<Record<string, unknown>> {
  return renderAgentManifests({
    cluster: 'member',
    labels: {},
    hubAddress: 'fedhub-hub.fedhub-system.svc:7443',
    namespace: 'fedhub-system',
    image: 'fedhub-agent:0.1.0',
    managed: managedFromRegistrations(BUILTIN_TYPES),
    hubTrust: 'ca',
    stateVolume: 'pvc',
  });
}
