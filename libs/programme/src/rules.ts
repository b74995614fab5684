import { readFileSync } from 'node:fs';
import { JIANGXI_POLICIES, JIANGXI_REFERENCE, Policy, ReferenceData, ReferenceSet, policyProblems } from '@app/domain';
import { Rules } from '@app/event-store';

export type { Rules };

/** The reference data and policies in force: the Jiangxi defaults unless files replace them. */
export function loadRules(files: { referenceDataFile?: string; policyFile?: string } = {}): Rules {
  const read = <T>(file: string): T => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
    }
  };
  const reference = new ReferenceData(files.referenceDataFile ? read<ReferenceSet>(files.referenceDataFile) : JIANGXI_REFERENCE);
  const policies = files.policyFile ? read<Policy[]>(files.policyFile) : JIANGXI_POLICIES;
  const problems = policyProblems(policies);
  if (problems.length) throw new Error(`The policy table is not valid:\n- ${problems.join('\n- ')}`);
  return { reference, policies };
}
