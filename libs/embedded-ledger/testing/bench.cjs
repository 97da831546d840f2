// Raw in-process throughput of the embedded ledger:
//   node libs/embedded-ledger/testing/bench.cjs [count=10000] [inFlight=256] [maxTxPerBlock=128] [batchTimeoutMs=5]
// Submits `count` puts with `inFlight` concurrent callers against a fresh temp directory, then
// measures sequential single-transaction latency.
'use strict';
// Compile the TypeScript sources on the fly (SWC, with the workspace tsconfig's paths and decorators).
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '../../../tsconfig.json');
require('@swc-node/register');
const { openTestLedger, tempDataDir, runConcurrently, ORG1 } = require('./helpers.ts');

async function main() {
  const [count = 10000, inFlight = 256, maxTxPerBlock = 128, batchTimeoutMs = 5] = process.argv.slice(2).map(Number);
  const dir = tempDataDir();
  const ledger = await openTestLedger(dir.dir, { maxTxPerBlock, batchTimeoutMs });
  try {
    await runConcurrently(500, inFlight, (i) => ledger.submit(ORG1, 'kv', 'put', [`warm-${i}`, 'x']));
    const h0 = ledger.info().height;
    const started = process.hrtime.bigint();
    const results = await runConcurrently(count, inFlight, (i) =>
      ledger.submit(ORG1, 'kv', 'put', [`key-${i}`, JSON.stringify({ i, hash: 'ab'.repeat(32), owner: 'Org1MSP' })]),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const failed = results.filter((r) => r.status === 'rejected').length;
    const blocks = ledger.info().height - h0;
    console.log(`${count} puts, ${inFlight} in flight: ${(count / seconds).toFixed(0)} tx/s (${seconds.toFixed(2)} s, ${blocks} blocks, avg ${(count / blocks).toFixed(0)} tx/block, ${failed} failed)`);

    const inc = await runConcurrently(2000, inFlight, (i) => ledger.submit(ORG1, 'kv', 'increment', [`ctr-${i % 50}`, '0']));
    console.log(`2000 increments over 50 hot keys: ${inc.filter((r) => r.status === 'rejected').length} MVCC conflicts (expected)`);

    const latencies = [];
    for (let i = 0; i < 200; i++) {
      const t = process.hrtime.bigint();
      await ledger.submit(ORG1, 'kv', 'put', [`single-${i}`, 'v']);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1);
    console.log(`single tx commit latency: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`);

    const t = process.hrtime.bigint();
    const verified = await ledger.verifyChain();
    console.log(`verifyChain over ${verified.ok ? verified.height : '?'} blocks: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms, ok=${verified.ok}`);
  } finally {
    await ledger.close();
    dir.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
