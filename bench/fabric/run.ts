// The ledger service's submit path on Fabric against a bare fabric-gateway loop, on the same network,
// with the same chaincode, transaction and number in flight:
//
//   npm run build && FABRIC_BIN=/path/to/fabric/bin node dist/bench/fabric/run.js
//
// (A build written outside the checkout, `tsc -p tsconfig.build.json --outDir <dir>/dist` plus tsc-alias,
// with `<dir>/node_modules` linked to the checkout's, runs the same way from the checkout's root: the
// network script is found above the working directory.)
//
// Starts its own Fabric network (infra/fabric/network.sh on free ports, temp data dir), a nats-server
// and the built ledger service (dist/apps/ledger/src/main.js, LEDGER_ADAPTER=fabric) in a child
// process. Then, alternately, for BENCH_SECONDS each (default 8):
//
// - service: `phdmf.ledger.cmd.add-dataset.v1` over NATS, answered after commit (NATS → actor → MSP
//   resolution → MVCC-retrying port → Fabric adapter → gateway endorse/submit/commit status → answer),
//   while the service's relay republishes every chain event to JetStream;
// - bare: `dataset:addDataset` with @hyperledger/fabric-gateway directly (submitAsync + getStatus), as
//   the same organisation (Org2MSP) through the same peer;
//
// each with BENCH_IN_FLIGHT callers (default 64). Prints committed tx/s and p50/p95 of both. It runs on
// each ordering service it has binaries for, one network at a time: Raft with FABRIC_BIN (or PATH), then
// SmartBFT (four orderers) with FABRIC3_BIN (Fabric >= 3.0), each printing `fabric_service_vs_bare_<raft|
// smartbft>=<ratio>`; the last line is `fabric_service_vs_bare=<ratio>` of SmartBFT when it ran, else
// Raft's (goal ≥ 0.9). Without Fabric binaries it says why and prints `fabric_service_vs_bare=skipped`.
import { createPrivateKey } from 'node:crypto';
import * as os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, hash, signers, type Contract } from '@hyperledger/fabric-gateway';
import { TestNatsServer, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { driveClosedLoop, type LoadRun } from '../support/closed-loop';
import { addDataset, addOneDataset, admitBenchMember, waitUntilAnswering } from '../support/ledger-requests';
import { ledgerServiceEnv, migrateLedgerService, runLedgerService } from '../support/ledger-service';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cpuSeconds, natsServerPid, stopChild, type NodeChild } from '../support/node-process';
import { connect, type NatsConnection } from 'nats';
import { loadConnectionProfile } from '../../apps/ledger/src/ledger-port/fabric/connection-profile';
import { fabricMajorVersion, findFabricBinaries, startLocalFabricNetwork, type LocalFabricNetwork } from './local-network';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 64);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const OVERALL_DEADLINE_MS = 600_000;
const GOVERNOR_MSP = 'Org1MSP';
const MEMBER = { memberId: 'bench-org2', mspId: 'Org2MSP' };
const STAFF_ACTOR = { userId: 'bench-staff', organisationId: MEMBER.memberId, roles: ['institution-admin'] };

/** The processes whose CPU a run is charged with, grouped as printed. */
const CPU_GROUPS = ['bench', 'service', 'nats', 'peers', 'orderers', 'chaincode'] as const;
type CpuGroup = (typeof CPU_GROUPS)[number];
type CpuSample = Record<CpuGroup, number>;

interface Result extends LoadRun {
  name: string;
  /** CPU milliseconds per committed transaction, per group of processes, over the run. */
  cpuMsPerTx: CpuSample;
}

/**
 * CPU seconds used so far by this process (the bare loop's client and the NATS requester), the ledger
 * service, nats-server and the network's processes (network.sh's PID files: peers, orderers, the
 * chaincode server). On two shared cores throughput follows CPU per transaction, which, unlike tx/s,
 * hardly moves with what else loads the machine: the service's overhead is where its sum exceeds the
 * bare loop's.
 */
function sampleCpu(pids: { service: number | undefined; nats: number | undefined; fabricPidDir: string }): CpuSample {
  const own = process.cpuUsage();
  const sample: CpuSample = { bench: (own.user + own.system) / 1e6, service: cpuSeconds(pids.service), nats: cpuSeconds(pids.nats), peers: 0, orderers: 0, chaincode: 0 };
  for (const file of readdirSync(pids.fabricPidDir)) {
    const name = file.replace(/\.pid$/, '');
    const group: CpuGroup = name.startsWith('peer') ? 'peers' : name.startsWith('orderer') ? 'orderers' : 'chaincode';
    const seconds = cpuSeconds(Number(readFileSync(path.join(pids.fabricPidDir, file), 'utf8').split('\n')[0]));
    if (Number.isFinite(seconds)) sample[group] += seconds;
  }
  return sample;
}

/** `inFlight` callers of `once` for `seconds`, as `name`, with the CPU each group of processes spent per transaction. */
async function drive(name: string, once: () => Promise<void>, inFlight: number, seconds: number, cpu: () => CpuSample): Promise<Result> {
  const before = cpu();
  const run = await driveClosedLoop(once, inFlight, seconds);
  const after = cpu();
  const cpuMsPerTx = Object.fromEntries(CPU_GROUPS.map((g) => [g, ((after[g] - before[g]) * 1000) / Math.max(1, run.committed)])) as CpuSample;
  return { name, ...run, cpuMsPerTx };
}

const cpuTotal = (c: CpuSample): number => CPU_GROUPS.reduce((sum, g) => sum + c[g], 0);

function print(r: Result): void {
  const cpu = CPU_GROUPS.map((g) => `${g} ${r.cpuMsPerTx[g].toFixed(1)}`).join(', ');
  process.stdout.write(
    `  ${r.name.padEnd(8)} ${r.tps.toFixed(1).padStart(7)} tx/s  p50 ${r.p50.toFixed(0).padStart(5)} ms  p95 ${r.p95.toFixed(0).padStart(5)} ms  committed ${r.committed}${r.failed > 0 ? `  FAILED ${r.failed} (${r.firstError ?? ''})` : ''}\n` +
      `           CPU ms/tx ${cpuTotal(r.cpuMsPerTx).toFixed(1)} (${cpu})\n`,
  );
}

/** The bare loop's client: fabric-gateway as the member organisation, through its own peer. */
function bareContract(connectionFile: string): { contract: Contract; close: () => void } {
  const profile = loadConnectionProfile(connectionFile);
  const org = profile.organisations.find((o) => o.mspId === MEMBER.mspId);
  if (org === undefined) throw new Error(`${MEMBER.mspId} is not in ${connectionFile}`);
  const client = new grpc.Client(org.peer.endpoint, grpc.credentials.createSsl(org.peer.tlsCACert), org.peer.hostOverride !== undefined ? { 'grpc.ssl_target_name_override': org.peer.hostOverride } : {});
  const gateway = connectGateway({
    client,
    identity: { mspId: org.mspId, credentials: org.user.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(org.user.privateKeyPem)),
    hash: hash.sha256,
    endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
    submitOptions: () => ({ deadline: Date.now() + 5_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    contract: gateway.getNetwork(profile.channel).getContract(profile.chaincode),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

async function main(): Promise<void> {
  const raft = findFabricBinaries();
  const fabric3 = process.env['FABRIC3_BIN'] ? findFabricBinaries({ FABRIC_BIN: process.env['FABRIC3_BIN'] }) : undefined;
  const runs: { consensus: 'raft' | 'bft'; binDir: string }[] = [];
  if ('binDir' in raft) runs.push({ consensus: 'raft', binDir: raft.binDir });
  if (fabric3 !== undefined && 'binDir' in fabric3 && fabricMajorVersion(fabric3.binDir) >= 3) runs.push({ consensus: 'bft', binDir: fabric3.binDir });
  else process.stdout.write('fabric bench: SmartBFT not run (set FABRIC3_BIN to a Fabric >= 3.0 bin directory)\n');
  if (runs.length === 0) {
    process.stdout.write(`fabric bench: ${'missing' in raft ? raft.missing : ''}; set FABRIC_BIN to a Fabric >= 2.4 bin directory to run it\n`);
    process.stdout.write('fabric_service_vs_bare=skipped\n');
    return;
  }
  const guard = setTimeout(() => {
    process.stderr.write(`fabric bench: no result within ${(OVERALL_DEADLINE_MS * runs.length) / 1000} s, giving up\n`);
    process.exit(1);
  }, OVERALL_DEADLINE_MS * runs.length);
  guard.unref();
  let last = 0;
  for (const run of runs) {
    last = await measure(run.binDir, run.consensus);
    process.stdout.write(`fabric_service_vs_bare_${run.consensus === 'bft' ? 'smartbft' : 'raft'}=${last.toFixed(2)}\n`);
  }
  process.stdout.write(`fabric_service_vs_bare=${last.toFixed(2)}\n`);
}

/** One network (Raft or SmartBFT), both paths; the service/bare ratio of committed tx/s. */
async function measure(binDir: string, consensus: 'raft' | 'bft'): Promise<number> {
  let network: LocalFabricNetwork | undefined;
  let nats: TestNatsServer | undefined;
  let service: NodeChild | undefined;
  let nc: NatsConnection | undefined;
  let bare: { contract: Contract; close: () => void } | undefined;
  const data = tempDir('phdmf-fabric-bench-');
  try {
    network = await startLocalFabricNetwork(binDir, { consensus, log: (line) => process.stdout.write(`fabric bench: ${line}\n`) });
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    const env = ledgerServiceEnv(nats.url, data.dir, { LEDGER_ADAPTER: 'fabric', FABRIC_CONNECTION_FILE: network.connectionFile, LEDGER_GOVERNOR_MSP: GOVERNOR_MSP });
    await migrateLedgerService(env, 'inherit');
    service = runLedgerService(env);
    nc = await connect({ servers: nats.url });
    await waitUntilAnswering(nc, service.process, service.output, { deadlineMs: 120_000, pollMs: 200, requestTimeoutMs: 1_000 });
    await admitBenchMember(nc, { ...MEMBER, name: 'Bench hospital (Org2)' });
    bare = bareContract(network.connectionFile);

    const natsConnection = nc;
    const bareContractRef = bare.contract;
    const viaService = (): Promise<void> => addOneDataset(natsConnection, STAFF_ACTOR);
    const viaGateway = async (): Promise<void> => {
      const submitted = await bareContractRef.submitAsync('dataset:addDataset', { arguments: [JSON.stringify(addDataset())] });
      const status = await submitted.getStatus();
      if (!status.successful) throw new Error(`transaction ${status.transactionId} invalid (code ${status.code})`);
    };

    process.stdout.write(
      `fabric bench: Fabric ${loadConnectionProfile(network.connectionFile).fabricVersion} (2 orgs, MAJORITY endorsement, ${consensus === 'bft' ? 'SmartBFT, 4 orderers' : 'Raft orderer'}), ledger service in a child process, ` +
        `node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}; ${IN_FLIGHT} in flight, ${SECONDS} s per run, ${ROUNDS} round(s)\n`,
    );
    process.stdout.write('transaction: dataset:addDataset as Org2MSP, answered after commit\n');
    const pids = { service: service.process.pid, nats: natsServerPid(nats.port), fabricPidDir: path.join(network.dataDir, 'pids') };
    const cpu = (): CpuSample => sampleCpu(pids);
    await drive('warm-up', viaService, 16, 2, cpu);
    await drive('warm-up', viaGateway, 16, 2, cpu);
    const service_: Result[] = [];
    const bare_: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so that neither path always runs on a longer chain.
      const order = round % 2 === 0 ? (['bare', 'service'] as const) : (['service', 'bare'] as const);
      for (const which of order) {
        const r = which === 'bare' ? await drive('bare', viaGateway, IN_FLIGHT, SECONDS, cpu) : await drive('service', viaService, IN_FLIGHT, SECONDS, cpu);
        (which === 'bare' ? bare_ : service_).push(r);
        print(r);
      }
    }
    const total = (rs: Result[]): number => rs.reduce((sum, r) => sum + r.tps, 0) / rs.length;
    const serviceTps = total(service_);
    const bareTps = total(bare_);
    process.stdout.write(`service (NATS → ledger service → Fabric adapter): ${serviceTps.toFixed(1)} tx/s\n`);
    process.stdout.write(`bare fabric-gateway loop:                        ${bareTps.toFixed(1)} tx/s\n`);
    // A closed loop's tx/s counts whole waves of IN_FLIGHT transactions: with runs shorter than a few
    // latencies (a loaded machine, SmartBFT) each run is one or two waves and its rate mostly says
    // where the run's end fell in a wave. Then only the CPU per transaction compares the paths.
    const slowest = Math.max(...[...service_, ...bare_].map((r) => r.p50));
    if (slowest * 3 > SECONDS * 1000) {
      process.stdout.write(`fabric bench: p50 up to ${slowest.toFixed(0)} ms against ${SECONDS} s runs: fewer than 3 latencies per run, the tx/s ratio is noise; raise BENCH_SECONDS\n`);
    }
    const meanCpu = (rs: Result[]): CpuSample => Object.fromEntries(CPU_GROUPS.map((g) => [g, rs.reduce((sum, r) => sum + r.cpuMsPerTx[g], 0) / rs.length])) as CpuSample;
    const serviceCpu = meanCpu(service_);
    const bareCpu = meanCpu(bare_);
    process.stdout.write(
      `CPU ms/tx, service path ${cpuTotal(serviceCpu).toFixed(1)} against bare ${cpuTotal(bareCpu).toFixed(1)}; the difference by process: ${CPU_GROUPS.map((g) => `${g} ${(serviceCpu[g] - bareCpu[g]).toFixed(1)}`).join(', ')}\n`,
    );
    return serviceTps / bareTps;
  } finally {
    bare?.close();
    await nc?.drain().catch(() => undefined);
    if (service !== undefined) await stopChild(service.process);
    await nats?.dispose();
    await network?.stop().catch((error: unknown) => process.stderr.write(`fabric bench: stopping the network: ${String(error)}\n`));
    data.remove();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`fabric bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
