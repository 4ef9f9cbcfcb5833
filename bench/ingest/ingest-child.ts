// Runs one chatlake ingest in its own process and prints its summary and peak memory as JSON,
// so the benchmark measures the ingest alone (not the generator or the baseline).
import { openLake } from '../../src/app/open-lake.js';
import { ingest } from '../../src/ingest/ingest-run.js';

const [dataDir, ...inputs] = process.argv.slice(2);
const lake = await openLake({ dataDir });
try {
  const summary = await ingest(lake, inputs);
  const parquetBytes = (await lake.catalog.partitions()).reduce((n, p) => n + p.bytes, 0);
  process.stdout.write(
    `${JSON.stringify({ summary, parquetBytes, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} finally {
  await lake.close();
}
