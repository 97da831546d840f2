import { applyDecorators, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { RequestContract } from '@phdmf/contracts';
import { PassThroughRpcFilter } from './pass-through.filter';

/** Extras key under which the transport finds the contract of a handler (for edge validation). */
export const CONTRACT_EXTRA = 'phdmfContract';

/**
 * Marks a controller method as the handler of a command or query contract. The transport
 * subscribes to the contract's subject and validates each payload against its class before the
 * method runs, so handlers only ever see valid input. The pass-through filter sits on the method
 * itself so that errors reach the transport with their codes, whatever global filters an
 * application registers for HTTP.
 */
export function HandleRequest<P extends object, R>(contract: RequestContract<P, R>): MethodDecorator {
  return applyDecorators(
    MessagePattern(contract.subject, { [CONTRACT_EXTRA]: contract }),
    UseFilters(PassThroughRpcFilter),
  );
}
