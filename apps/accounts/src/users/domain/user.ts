import { ROLES, type Role, type UserView } from '@phdmf/contracts';

export type UserStatus = 'active' | 'disabled';

/** An account. Email is stored lower-cased: it is the login name and must be unique as such. */
export class User {
  id!: string;
  email!: string;
  displayName!: string;
  passwordHash!: string;
  /** Comma-separated roles (a user has one role today; the list keeps the door open). */
  roleList!: string;
  organisationId!: string | null;
  status!: UserStatus;
  createdAt!: Date;
  updatedAt!: Date;
  passwordChangedAt!: Date;

  listRoles(): Role[] {
    return parseRoles(this.roleList);
  }

  assignRoles(roles: Role[]): void {
    this.roleList = [...new Set(roles)].join(',');
  }

  isActive(): boolean {
    return this.status === 'active';
  }

  toView(): UserView {
    return userView(this);
  }
}

/** The view of a user's stored fields (also used by reads that skip the entity). */
export function userView(u: Pick<User, 'id' | 'email' | 'displayName' | 'roleList' | 'organisationId' | 'status' | 'createdAt' | 'updatedAt'>): UserView {
  return {
    userId: u.id,
    email: u.email,
    displayName: u.displayName,
    roles: parseRoles(u.roleList),
    ...(u.organisationId ? { organisationId: u.organisationId } : {}),
    status: u.status,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

function parseRoles(roleList: string): Role[] {
  return roleList.split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
