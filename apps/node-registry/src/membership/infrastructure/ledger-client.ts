import { Injectable } from '@nestjs/common';
import { LedgerListMembers, type LedgerMemberRecord } from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';

/** Reads members' on-chain records; a ledger outage degrades node information, it does not fail it. */
@Injectable()
export class LedgerClient {
  constructor(private readonly bus: MessageBus) {}

  async members(): Promise<{ byId: Map<string, LedgerMemberRecord>; error?: string }> {
    try {
      const { members } = await this.bus.request(LedgerListMembers.CONTRACT, {});
      return { byId: new Map(members.map((m) => [m.memberId, m])) };
    } catch (error) {
      return { byId: new Map(), error: error instanceof Error ? error.message : String(error) };
    }
  }
}
