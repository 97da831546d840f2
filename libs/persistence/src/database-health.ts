import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';

/** The database is up when a trivial query succeeds on the service's own connection. */
@Injectable()
export class DatabaseHealthIndicator {
  readonly name = 'database';

  constructor(private readonly orm: MikroORM) {}

  async isUp(): Promise<boolean> {
    const { ok } = await this.orm.checkConnection();
    return ok;
  }
}
