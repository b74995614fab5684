/**
 * A profile's whole history simulated in a process of its own, so that its peak memory is its own.
 * Prints one line of JSON: seconds, events, the simulation's report and the peak resident set in MiB.
 */
import { JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { simulateHistory } from './scale';

async function main() {
  const [profile, path] = process.argv.slice(2);
  const { events, seconds, report } = await simulateHistory(profile, path, new ReferenceData(JIANGXI_REFERENCE));
  console.log(JSON.stringify({ events, seconds, report, peakMiB: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
