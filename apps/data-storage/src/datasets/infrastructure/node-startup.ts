import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { nodeKeyId } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../storage.settings';
import { NODE_SIGNER, STORAGE_LOGGER } from '../storage.tokens';
import { csvReaderBackEnd } from './csv/csv-reader';
import { LedgerClient } from './ledger/ledger-client';
import type { NodeSigner } from './signing/node-signer';

/**
 * Work the node does once it is up, in the background (the ledger may be unreachable at a site's
 * start; the node must still serve its own staff): check that the node id and key match the ledger's
 * registration — a node signing with another key than the registered one produces summaries that
 * every verifier will reject. (Writes a previous process left owed are the LedgerIntentWorker's.)
 * And say so if CSV uploads are read by the slow JavaScript reader (the native addon did not load).
 */
@Injectable()
export class NodeStartup implements OnApplicationBootstrap {
  constructor(
    private readonly ledger: LedgerClient,
    @Inject(NODE_SIGNER) private readonly signer: NodeSigner,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const csvReader = csvReaderBackEnd();
    if (csvReader.kind === 'javascript') {
      this.log.warn(
        { err: csvReader.reason },
        'the native CSV reader (libs/csv-native) did not load: CSV uploads are read in JavaScript, with the same answers but several times slower; run npm install (it builds the addon with node-gyp)',
      );
    }
    void this.run().catch((error: unknown) => {
      this.log.warn({ err: error }, 'start-up checks against the ledger did not complete; they run again at the next start');
    });
  }

  async run(): Promise<void> {
    const member = await this.ledger.getMember(this.settings.organisationId);
    const keyMatches = member.nodePublicKey !== undefined && nodeKeyId(member.nodePublicKey) === this.signer.keyId;
    if (member.nodeId !== this.settings.nodeId || !keyMatches) {
      this.log.error(
        { organisationId: this.settings.organisationId, registeredNodeId: member.nodeId, nodeId: this.settings.nodeId, keyMatches },
        'this node does not match its registration on the ledger (node id or public key); its summaries will not verify',
      );
    } else {
      this.log.info({ nodeId: this.settings.nodeId, keyId: this.signer.keyId }, 'node identity matches the ledger');
    }
  }
}
