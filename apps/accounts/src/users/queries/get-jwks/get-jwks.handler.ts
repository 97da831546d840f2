import { Injectable } from '@nestjs/common';
import type { AccountsGetJwks } from '@phdmf/contracts';
import { SigningKeys } from '../../infrastructure/signing-keys';

@Injectable()
export class GetJwksHandler {
  constructor(private readonly keys: SigningKeys) {}

  execute(): AccountsGetJwks.Result {
    return { keys: this.keys.publicKeys().map((k) => ({ ...k })) };
  }
}
