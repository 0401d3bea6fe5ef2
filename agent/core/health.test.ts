// Pins the observed state and health summary derived from a live object, per kind.
import { describe, expect, it } from 'vitest';
import { computeObservedState } from './health.ts';

const deployment = (spec: object, status: object, generation = 2) => ({
  metadata: { generation },
  spec,
  status,
});

describe('computeObservedState', () => {
  it.each<[string, string, Record<string, unknown>, string]>([
    [
      'a Deployment with every replica ready, available and updated is Healthy',
      'apps/Deployment',
      deployment(
        { replicas: 3 },
        { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 },
      ),
      'Healthy',
    ],
    [
      'a Deployment whose controller has not seen the latest generation is Progressing',
      'apps/Deployment',
      deployment(
        { replicas: 1 },
        { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
      ),
      'Progressing',
    ],
    [
      'a Deployment short of ready replicas is Progressing',
      'apps/Deployment',
      deployment(
        { replicas: 3 },
        { observedGeneration: 2, replicas: 3, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 3 },
      ),
      'Progressing',
    ],
    [
      'a Deployment past its progress deadline is Degraded',
      'apps/Deployment',
      deployment(
        { replicas: 3 },
        {
          observedGeneration: 2,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
        },
      ),
      'Degraded',
    ],
    [
      'a Deployment without spec.replicas wants one replica',
      'apps/Deployment',
      deployment(
        {},
        { observedGeneration: 2, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
      ),
      'Healthy',
    ],
    [
      'a completed Job is Healthy',
      'batch/Job',
      { status: { conditions: [{ type: 'Complete', status: 'True' }] } },
      'Healthy',
    ],
    [
      'a failed Job is Degraded',
      'batch/Job',
      { status: { conditions: [{ type: 'Failed', status: 'True' }] } },
      'Degraded',
    ],
    ['a running Job is Progressing', 'batch/Job', { status: {} }, 'Progressing'],
    ['a ConfigMap that exists is Healthy', 'core/ConfigMap', { data: {} }, 'Healthy'],
    [
      'a CRD not yet established is Progressing',
      'apiextensions.k8s.io/CustomResourceDefinition',
      { status: { conditions: [{ type: 'Established', status: 'False' }] } },
      'Progressing',
    ],
  ])('%s', (_n, gk, live, health) => {
    expect(computeObservedState(gk, live).health).toBe(health);
  });

  it('reports replica counts and conditions of a Deployment', () => {
    const s = computeObservedState(
      'apps/Deployment',
      deployment(
        { replicas: 3 },
        {
          observedGeneration: 2,
          replicas: 3,
          readyReplicas: 2,
          availableReplicas: 1,
          updatedReplicas: 3,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              lastTransitionTime: 't',
            },
          ],
        },
      ),
    );
    expect(s).toMatchObject({
      generation: 2,
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 2,
      availableReplicas: 1,
      updatedReplicas: 3,
    });
    expect(s.conditions).toEqual([
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: '',
        lastTransitionTime: 't',
        observedGeneration: 0,
      },
    ]);
  });

  it('kinds without replicas report none', () => {
    expect(computeObservedState('core/Service', {}).replicas).toBeUndefined();
  });
});
