import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AccountsErrorCode, PhdmfError, type UserView } from '@phdmf/contracts';
import { userView } from '../domain/user';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  roles: string;
  organisation_id: string | null;
  status: 'active' | 'disabled';
  created_at: string | number | Date;
  updated_at: string | number | Date;
}

/**
 * The read path of the current user, the edge's hottest query: one indexed select by primary key,
 * without a unit of work or hydration (the ORM's per-call overhead was most of its cost).
 */
@Injectable()
export class UserReader {
  constructor(private readonly orm: MikroORM) {}

  async activeUserView(userId: string): Promise<UserView> {
    const result: unknown = await this.orm.em
      .getConnection()
      .execute('select id, email, display_name, roles, organisation_id, status, created_at, updated_at from accounts_users where id = ?', [userId]);
    const rows = result as UserRow[];
    const row = rows[0];
    if (row?.status !== 'active') throw new PhdmfError(AccountsErrorCode.UNAUTHENTICATED, 'The account no longer exists or is disabled');
    // A plain object, not the entity: the ORM's entity helpers cost more than the query here.
    return userView({
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      roleList: row.roles,
      organisationId: row.organisation_id,
      status: row.status,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    });
  }
}
