// Pins planReplicas to plans computed by kubefed's own planner (pkg/controller/util/planner, v0.10.0) for 150 varied inputs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planReplicas, type PlanInput, type ReplicaPlan } from './planner.ts';

// Each case is an input and the plan and overflow kubefed's Go planner returned for it; inputs mix
// "*" and named preferences, minimums above the total, maxReplicas below minReplicas, zero weights,
// current counts with and without rebalance, and capacities.
type Golden = { input: PlanInput } & ReplicaPlan;
const cases = JSON.parse(readFileSync(new URL('./kubefed-plans.json', import.meta.url), 'utf8')) as Golden[];

describe('planReplicas against kubefed', () => {
  it('has the recorded cases', () => {
    expect(cases).toHaveLength(150);
  });

  it.each(cases.map((c, i) => [i, c] as const))(
    "case %i gives kubefed's plan and overflow",
    (_i, { input, plan, overflow }) => {
      expect(planReplicas(input)).toEqual({ plan, overflow });
    },
  );
});
