// Which organisation signs a ledger transaction.
//
// The chaincode binds every write to the MSP that signed it (`ctx.clientIdentity.getMSPID()`): the
// owner of a dataset is the MSP that added it, and only that MSP may update it or grant access to
// it. Those checks mean something only if the MSP that signs is the acting user's own
// organisation. If the ledger service signed everything with one identity, every transaction
// would come from the same MSP, every "owner check" would compare that MSP with itself, and any
// institution could grant access to any other institution's data. So the MSP is chosen here from
// the acting user (authenticated at the REST edge, carried in the message's actor header), never
// from a payload field: a user of hospital B signs as hospital B's MSP and the chaincode refuses
// B's grant on hospital A's dataset with ACCESS.NOT_OWNER.
import { Inject, Injectable } from '@nestjs/common';
import { ConsortiumContract, ContractName, type MemberRecord } from '../chaincode/phdmf-chaincode';
import { LedgerChaincodeErrorCode, LedgerErrorCode, PhdmfError, type ActingUser, type Role } from '@phdmf/contracts';
import { LedgerConfig } from '../config';
import { hasCode } from '../ledger-port/ledger-errors';
import { LEDGER_PORT, type LedgerPort, type SigningIdentity } from '../ledger-port/ledger-port';

/** Roles that act for the consortium as a whole and sign with the governing MSP. */
const GOVERNOR_ROLES: readonly Role[] = ['consortium-admin', 'service'];

// The function name is checked against the contract class at compile time.
const GET_MEMBER: keyof ConsortiumContract = 'getMember';

/** The identity the ledger service uses for an organisation (one per MSP, as a Fabric gateway holds). */
export function organisationIdentity(mspId: string): SigningIdentity {
  return { mspId, id: `phdmf-ledger@${mspId}` };
}

@Injectable()
export class SigningIdentityResolver {
  // memberId -> the member's signing identity. Only active members are cached, and that is safe
  // for good: the chaincode never takes an admitted member back (admitMember and rejectMember both
  // refuse an active member) and no transaction changes a member's MSP. Lookups that fail are not
  // cached, so an organisation admitted a moment ago can sign at once. In-flight lookups are
  // shared, so a burst of requests from one organisation costs one ledger read.
  private readonly members = new Map<string, Promise<SigningIdentity>>();
  private readonly governorIdentity: SigningIdentity;

  constructor(
    @Inject(LEDGER_PORT) private readonly ledger: LedgerPort,
    config: LedgerConfig,
  ) {
    this.governorIdentity = organisationIdentity(config.LEDGER_GOVERNOR_MSP);
  }

  /** The governing MSP's identity: consortium admins, internal services, and every read. */
  get governor(): SigningIdentity {
    return this.governorIdentity;
  }

  /** Whether `actor` signs with the governing MSP (a consortium admin or an internal service). */
  isGovernor(actor: ActingUser): boolean {
    return actor.roles.some((role) => (GOVERNOR_ROLES as readonly string[]).includes(role));
  }

  /** The identity that signs for `actor`; a coded error when the actor may not sign at all. */
  forActor(actor: ActingUser | undefined): Promise<SigningIdentity> {
    if (actor === undefined) {
      return Promise.reject(new PhdmfError(LedgerErrorCode.ACTOR_REQUIRED, 'a ledger transaction needs an acting user (Phdmf-Actor header)'));
    }
    if (this.isGovernor(actor)) {
      return Promise.resolve(this.governorIdentity);
    }
    const memberId = actor.organisationId;
    if (memberId === undefined) {
      return Promise.reject(
        new PhdmfError(LedgerErrorCode.ORGANISATION_REQUIRED, `user ${actor.userId} belongs to no organisation and cannot sign ledger transactions`, {
          userId: actor.userId,
        }),
      );
    }
    let identity = this.members.get(memberId);
    if (identity === undefined) {
      identity = this.lookUp(memberId);
      this.members.set(memberId, identity);
      identity.catch(() => this.members.delete(memberId));
    }
    return identity;
  }

  private async lookUp(memberId: string): Promise<SigningIdentity> {
    let member: MemberRecord;
    try {
      const json = await this.ledger.evaluate(this.governorIdentity, ContractName.Consortium, GET_MEMBER, [JSON.stringify({ memberId })]);
      member = JSON.parse(json) as MemberRecord;
    } catch (error) {
      if (hasCode(error, LedgerChaincodeErrorCode.MemberNotFound) || hasCode(error, LedgerErrorCode.INVALID_INPUT)) {
        throw notMember(memberId, 'is not a consortium member');
      }
      throw error;
    }
    if (member.status !== 'active') throw notMember(memberId, `is not an active consortium member (${member.status})`);
    return organisationIdentity(member.mspId);
  }
}

function notMember(memberId: string, problem: string): PhdmfError {
  return new PhdmfError(LedgerErrorCode.ORGANISATION_NOT_MEMBER, `organisation ${memberId} ${problem}, so it has no signing identity on the ledger`, {
    organisationId: memberId,
  });
}
