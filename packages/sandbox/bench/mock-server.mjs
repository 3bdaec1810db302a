// The mock as its callers use it: `startMock({ port: 0 })` from @payouts/mock (Prism behind the
// recording proxy, answering the spec's named examples), hosted in a process of its own so that the
// proxy does not share the load generator's thread and its CPU can be measured. Prints its URL.
import { startMock } from '@payouts/mock';

const mock = await startMock({ port: 0 });
console.log(`listening on ${mock.url}`);
process.once('SIGTERM', async () => {
  await mock.stop();
  // A request the bench sent that broke the contract would make the figures meaningless.
  const seen = mock.violations();
  if (seen.length > 0) console.error(`the mock saw ${seen.length} contract violations, first: ${JSON.stringify(seen[0])}`);
  process.exit(seen.length > 0 ? 1 : 0);
});
