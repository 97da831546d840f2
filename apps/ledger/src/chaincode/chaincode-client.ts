import { Inject, Injectable } from '@nestjs/common';
import { ContractName, type AccessContract, type AuditContract, type BudgetContract, type ConsortiumContract, type DatasetContract } from './phdmf-chaincode';
import type { LedgerCommitted } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import type { Context } from 'fabric-contract-api';
import { SigningIdentityResolver } from '../identity/signing-identity.resolver';
import { LEDGER_PORT, type LedgerPort } from '../ledger-port/ledger-port';
import { currentCommitKey, KeyedCommits } from './keyed-commits';

/** The transaction functions of a contract class: methods taking `(ctx, request: string)` and returning a JSON string. */
export type TransactionName<C> = {
  [K in keyof C]: C[K] extends (ctx: Context, request: string) => Promise<string> ? K : never;
}[keyof C] &
  string;

/**
 * One chaincode contract seen through the ledger port: one JSON request in, one JSON record out.
 * Function names are checked against the contract class at compile time.
 */
export class ContractClient<C> {
  constructor(
    private readonly name: ContractName,
    private readonly ledger: LedgerPort,
    private readonly identities: SigningIdentityResolver,
    private readonly keyed: KeyedCommits,
  ) {}

  /**
   * Submits a write signed by the current acting user's organisation; resolves after commit. In a
   * unit of work with an Idempotency-Key, once: a retry gets the first commit (keyed-commits.ts).
   */
  async submit<R>(fn: TransactionName<C>, request: object): Promise<LedgerCommitted<R>> {
    const identity = await this.identities.forActor(Correlation.current()?.actor);
    const send = async (keyed: object = {}): Promise<LedgerCommitted<R>> => {
      const { txId, blockNumber, result } = await this.ledger.submit(identity, this.name, fn, [JSON.stringify({ ...request, ...keyed })]);
      return { txId, blockNumber, record: JSON.parse(result) as R };
    };
    const commitKey = currentCommitKey(this.name, fn);
    return commitKey === undefined ? send() : this.keyed.submitOnce(commitKey, send);
  }

  /** Evaluates a read against committed state (reads do not depend on the caller: the governor signs). */
  async evaluate<R>(fn: TransactionName<C>, request: object = {}): Promise<R> {
    const json = await this.ledger.evaluate(this.identities.governor, this.name, fn, [JSON.stringify(request)]);
    return JSON.parse(json) as R;
  }
}

/** The PHDMF chaincode's five contracts, each a typed client over the ledger port. */
@Injectable()
export class ChaincodeClient {
  readonly consortium: ContractClient<ConsortiumContract>;
  readonly dataset: ContractClient<DatasetContract>;
  readonly access: ContractClient<AccessContract>;
  readonly audit: ContractClient<AuditContract>;
  readonly budget: ContractClient<BudgetContract>;
  /** What committed under a commit key (a keyed write's retry). */
  readonly keyed: KeyedCommits;

  constructor(@Inject(LEDGER_PORT) ledger: LedgerPort, identities: SigningIdentityResolver) {
    this.keyed = new KeyedCommits(ledger, () => identities.governor);
    this.consortium = new ContractClient(ContractName.Consortium, ledger, identities, this.keyed);
    this.dataset = new ContractClient(ContractName.Dataset, ledger, identities, this.keyed);
    this.access = new ContractClient(ContractName.Access, ledger, identities, this.keyed);
    this.audit = new ContractClient(ContractName.Audit, ledger, identities, this.keyed);
    this.budget = new ContractClient(ContractName.Budget, ledger, identities, this.keyed);
  }
}
