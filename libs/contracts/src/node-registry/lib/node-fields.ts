import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { IsEndpointUrl, IsLedgerId, IsPublicKeyPem } from '../../ledger/lib/validation';
import { STORAGE_NODE_ID_PATTERN } from '../../storage/lib/node-subject';

/** A storage node's configuration, checked as the chaincode and the storage subjects will check it. */
export abstract class NodeFields {
  /** Also a NATS subject token of the node's storage messages: lower-case letters, digits and hyphens. */
  @ApiProperty({ pattern: STORAGE_NODE_ID_PATTERN.source, description: 'Storage node id: 1-64 lower-case letters, digits and hyphens', example: 'hospital-a-node-1' })
  @IsLedgerId()
  @Matches(STORAGE_NODE_ID_PATTERN, { message: '$property must be 1-64 lower-case letters, digits and hyphens (it names the node\'s subjects)' })
  nodeId!: string;

  /** The node's URL, port included (e.g. https://node.hospital-a.org:8443). */
  @ApiProperty({ description: 'The node\'s URL, port included' })
  @IsEndpointUrl()
  endpoint!: string;

  /** SPKI PEM public key the node signs its results with. */
  @ApiProperty({ description: 'SPKI public key in PEM form (-----BEGIN PUBLIC KEY-----) the node signs its results with' })
  @IsPublicKeyPem()
  nodePublicKey!: string;
}
