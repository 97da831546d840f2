import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC exception filter replaces any error that is not an RpcException with
 * `{ status: 'error', message: 'Internal server error' }`, losing its code. This filter hands the
 * original error back to NatsRpcServer, which maps it to `{ code, message }` itself.
 */
@Catch()
export class PassThroughRpcFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
