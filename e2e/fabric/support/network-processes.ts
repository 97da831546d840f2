// Test support: stopping one process of a local network (an orderer, say) by the PID infra/fabric/network.sh
// recorded for it, as a crash would; `network.sh start NAME` brings it back.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventually } from '@phdmf/testing';
import type { LocalFabricNetwork } from '../../../bench/fabric/local-network';

/** SIGTERM to one process the network started (`orderer`, `orderer2`, `peer0.org1`…); its PID, or undefined if it was not running. */
export function stopNetworkProcess(network: LocalFabricNetwork, name: string): number | undefined {
  const pid = Number(readFileSync(path.join(network.dataDir, 'pids', `${name}.pid`), 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no PID for ${name}`);
  if (!running(pid)) return undefined;
  process.kill(pid, 'SIGTERM');
  return pid;
}

/** Stops the process and waits until it is gone (its ports closed). */
export async function stopNetworkProcessAndWait(network: LocalFabricNetwork, name: string): Promise<void> {
  const pid = stopNetworkProcess(network, name);
  if (pid !== undefined) await eventually(() => !running(pid), `${name} (pid ${pid}) to exit`, 20_000);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
