// Test support: an institution's organisation joins the channel of a local network the way a consortium
// does it, through infra/fabric/network.sh's operator commands only — the institution creates its
// organisation (`org init`), a member proposes the config update (`org propose-add`), the admins of a
// majority of the members sign it, each with its own admin identity (`channel sign`), one submits it
// (`channel submit`), and the institution's peer joins and approves the chaincode (`org join`), after
// which connection.json lists the organisation with its own peer.
import type { LocalFabricNetwork } from '../../../bench/fabric/local-network';

/** The update file a `propose-*` command printed (its only output line that is an absolute .tx path). */
export function proposedUpdate(output: string): string {
  const file = output.split('\n').find((line) => /^\/\S+\.tx$/.test(line));
  if (file === undefined) throw new Error(`no channel update file in network.sh's output:\n${output}`);
  return file;
}

/**
 * Adds organisation number `n` (MSP `mspId`) to the channel. `signers` are the numbers of the member
 * organisations whose admins sign (a majority of the current members); the first proposes and submits.
 */
export async function joinOrganisation(network: LocalFabricNetwork, n: number, mspId: string, signers: readonly number[]): Promise<void> {
  const [proposer] = signers;
  if (proposer === undefined) throw new Error('no signer');
  await network.script('org', 'init', String(n), '--msp-id', mspId);
  const update = proposedUpdate(await network.script('org', 'propose-add', String(n), '--as', String(proposer)));
  for (const signer of signers) await network.script('channel', 'sign', update, `org${signer}`);
  await network.script('channel', 'submit', update, `org${proposer}`);
  await network.script('org', 'join', String(n));
}
