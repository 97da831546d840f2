import { Controller } from '@nestjs/common';
import { AccountsGetJwks } from '@phdmf/contracts';
import { HandleRequest } from '@phdmf/messaging';
import { SigningKeys } from '../../infrastructure/signing-keys';

@Controller()
export class GetJwksHandler {
  constructor(private readonly keys: SigningKeys) {}

  @HandleRequest(AccountsGetJwks.CONTRACT)
  execute(): AccountsGetJwks.Result {
    return { keys: this.keys.publicKeys().map((k) => ({ ...k })) };
  }
}
