import { Matches } from 'class-validator';
import { IsEndpointUrl, IsLedgerId, IsPublicKeyPem } from '../../ledger/lib/validation';
import { STORAGE_NODE_ID_PATTERN } from '../../storage/lib/node-subject';

/** A storage node's configuration, checked as the chaincode and the storage subjects will check it. */
export abstract class NodeFields {
  /** Also a NATS subject token of the node's storage messages: lower-case letters, digits and hyphens. */
  @IsLedgerId()
  @Matches(STORAGE_NODE_ID_PATTERN, { message: '$property must be 1-64 lower-case letters, digits and hyphens (it names the node\'s subjects)' })
  nodeId!: string;

  /** The node's URL, port included (e.g. https://node.hospital-a.org:8443). */
  @IsEndpointUrl()
  endpoint!: string;

  /** SPKI PEM public key the node signs its results with. */
  @IsPublicKeyPem()
  nodePublicKey!: string;
}
