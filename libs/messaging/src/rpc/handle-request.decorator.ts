import { applyDecorators, createParamDecorator, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { ActingUser, RequestContract } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { PassThroughRpcFilter } from './pass-through.filter';

/** Extras key under which the transport finds the contract of a handler (for edge validation). */
export const CONTRACT_EXTRA = 'phdmfContract';

/**
 * Marks a controller method as the handler of a command or query contract: in the services, a use
 * case's `execute`, its class listed under its module's `controllers` (Nest subscribes only
 * those). A controller cannot be injected, so a use case that another one calls stays a provider.
 * The transport subscribes to the contract's subject and validates each payload against its class
 * before the method runs, so handlers only ever see valid input. The pass-through filter sits on
 * the method itself so that errors reach the transport with their codes, whatever global filters
 * an application registers for HTTP.
 */
export function HandleRequest<P extends object, R>(contract: RequestContract<P, R>): MethodDecorator {
  return applyDecorators(
    MessagePattern(contract.subject, { [CONTRACT_EXTRA]: contract }),
    UseFilters(PassThroughRpcFilter),
  );
}

/**
 * The acting user of the request being handled: its actor header, set by the REST edge from a
 * verified token (undefined when the message has none). A method with any parameter decorator is
 * given only what its decorators name, so its payload is then marked `@Payload()`.
 */
export const Actor = createParamDecorator((): ActingUser | undefined => Correlation.current()?.actor);
