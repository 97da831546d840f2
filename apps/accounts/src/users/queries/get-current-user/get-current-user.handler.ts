import { Injectable } from '@nestjs/common';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AccountsGetCurrentUser } from '@phdmf/contracts';
import { UserReader } from '../../infrastructure/user-reader';

@Injectable()
export class GetCurrentUserHandler {
  constructor(private readonly users: UserReader) {}

  async execute(actor: ActingUser | undefined): Promise<AccountsGetCurrentUser.Result> {
    return this.users.activeUserView(requireActor(actor).userId);
  }
}
