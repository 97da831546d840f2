import { Controller } from '@nestjs/common';
import { AccountsGetCurrentUser, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { UserReader } from '../../infrastructure/user-reader';

@Controller()
export class GetCurrentUserHandler {
  constructor(private readonly users: UserReader) {}

  @HandleRequest(AccountsGetCurrentUser.CONTRACT)
  async execute(@Actor() actor: ActingUser | undefined): Promise<AccountsGetCurrentUser.Result> {
    return this.users.activeUserView(requireActor(actor).userId);
  }
}
