import { IsInt, IsObject, IsString, Length, Matches, Min } from 'class-validator';

/**
 * The payload of every ledger event: one committed chaincode event. The JetStream message id
 * (`Nats-Msg-Id`, also the `Phdmf-Event-Id` header) is `<txId>:<eventIndex>`, so a re-publish of
 * the same chain event is discarded by the stream and by consumers' idempotency records.
 */
export abstract class LedgerChainEventPayload {
  /** Id of the committed transaction that emitted the event. */
  @IsString()
  @Matches(/^[0-9a-zA-Z._-]{1,128}$/)
  txId!: string;

  @IsInt()
  @Min(0)
  blockNumber!: number;

  /** Position of the transaction in its block. */
  @IsInt()
  @Min(0)
  txIndex!: number;

  /** Index of the event within its transaction (always 0: Fabric keeps one event per transaction). */
  @IsInt()
  @Min(0)
  eventIndex!: number;

  /** The chaincode event name (`ChaincodeEvent` of the chaincode), e.g. `DatasetAdded`. */
  @IsString()
  @Length(1, 64)
  eventName!: string;

  /** The record the transaction wrote, as the chaincode marshalled it (each event narrows its type). */
  @IsObject()
  record!: object;
}

/** The JetStream message id of a ledger event. */
export function ledgerEventId(txId: string, eventIndex: number): string {
  return `${txId}:${eventIndex}`;
}

