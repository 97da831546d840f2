import type { LoginHistoryEntry } from '@phdmf/contracts';

/** One login attempt, kept for the user's and admins' view and for throttling. */
export class LoginEvent {
  id!: number;
  /** Null when the email matches no account. */
  userId!: string | null;
  email!: string;
  at!: Date;
  success!: boolean;
  failureCode!: string | null;
  address!: string | null;
  userAgent!: string | null;

  toEntry(): LoginHistoryEntry {
    return {
      at: this.at.toISOString(),
      success: this.success,
      ...(this.failureCode ? { failureCode: this.failureCode } : {}),
      ...(this.address ? { address: this.address } : {}),
      ...(this.userAgent ? { userAgent: this.userAgent } : {}),
    };
  }
}
