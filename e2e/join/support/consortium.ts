// A consortium with two admitted institutions (A and B), an admin and a member each, a researcher
// and the consortium admin — every role the REST edge knows, and a user of another institution.
import { Api } from './http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, nodeKeyPair, type Stack } from './stack';

export const ROLE_NAMES = ['anonymous', 'researcher', 'memberA', 'adminA', 'consortiumAdmin', 'adminB', 'memberB'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface Institution {
  memberId: string;
  applicationId: string;
  adminUserId: string;
  memberUserId: string;
  /** Its storage node as admitted on-chain, and the node's private key (to start that node). */
  nodeId: string;
  nodePrivateKeyPem: string;
}

export interface Consortium {
  api: Api;
  tokens: Record<Exclude<RoleName, 'anonymous'>, string>;
  passwords: Record<Exclude<RoleName, 'anonymous'>, string>;
  userIds: Record<Exclude<RoleName, 'anonymous'>, string>;
  a: Institution;
  b: Institution;
}

let counter = 0;
/** A unique suffix for names, emails and node ids created during a test. */
export function unique(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}`;
}

/** Registers a researcher, applies for an institution, returns the pending application. */
export async function pendingApplication(
  api: Api,
  label = unique(),
): Promise<{ applicationId: string; memberId: string; token: string; refreshToken: string; userId: string; nodeId: string; nodePrivateKeyPem: string }> {
  const email = `head-${label}@inst.test`;
  const { userId } = await api.register(email, 'an applicant password');
  const t = await api.login(email, 'an applicant password');
  const keys = nodeKeyPair();
  const nodeId = `node-${label}`.toLowerCase();
  const r = await api.post<{ applicationId: string; memberId: string }>(
    '/api/v1/membership-applications',
    { name: `Institution ${label}`, contactName: 'Head', contactEmail: email, nodeId, endpoint: `https://node-${label}.test:8443`, nodePublicKey: keys.publicKeyPem },
    t.accessToken,
  );
  if (r.status !== 201) throw new Error(`apply failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...r.body, token: t.accessToken, refreshToken: t.refreshToken, userId, nodeId, nodePrivateKeyPem: keys.privateKeyPem };
}

/** Applies, admits (as `adminToken`, the consortium admin) and staffs an institution: its admin and one member. */
export async function admittedInstitution(api: Api, adminToken: string, label: string): Promise<{ institution: Institution; adminToken: string; memberToken: string; adminPassword: string; memberPassword: string }> {
  const app = await pendingApplication(api, label);
  const admitted = await api.post(`/api/v1/membership-applications/${app.applicationId}/admit`, {}, adminToken);
  if (admitted.status !== 200) throw new Error(`admit failed: ${admitted.status} ${JSON.stringify(admitted.body)}`);
  const refreshed = await api.post<{ accessToken: string }>('/api/v1/auth/refresh', { refreshToken: app.refreshToken });
  const instAdmin = refreshed.body.accessToken;
  const memberEmail = `staff-${label}@inst.test`;
  const created = await api.post<{ userId: string }>(`/api/v1/institutions/${app.memberId}/users`, { email: memberEmail, password: 'a member password', displayName: 'Staff' }, instAdmin);
  if (created.status !== 201) throw new Error(`member creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  const member = await api.login(memberEmail, 'a member password');
  return {
    institution: { memberId: app.memberId, applicationId: app.applicationId, adminUserId: app.userId, memberUserId: created.body.userId, nodeId: app.nodeId, nodePrivateKeyPem: app.nodePrivateKeyPem },
    adminToken: instAdmin,
    memberToken: member.accessToken,
    adminPassword: 'an applicant password',
    memberPassword: 'a member password',
  };
}

export async function buildConsortium(stack: Stack): Promise<Consortium> {
  const api = new Api(stack.baseUrl);
  const consortiumAdmin = await api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const me = await api.get<{ userId: string }>('/api/v1/auth/me', consortiumAdmin.accessToken);
  const a = await admittedInstitution(api, consortiumAdmin.accessToken, `a-${unique()}`);
  const b = await admittedInstitution(api, consortiumAdmin.accessToken, `b-${unique()}`);
  const researcherEmail = `researcher-${unique()}@uni.test`;
  const researcher = await api.register(researcherEmail, 'a researcher password');
  const researcherToken = (await api.login(researcherEmail, 'a researcher password')).accessToken;
  return {
    api,
    tokens: { researcher: researcherToken, memberA: a.memberToken, adminA: a.adminToken, consortiumAdmin: consortiumAdmin.accessToken, adminB: b.adminToken, memberB: b.memberToken },
    passwords: { researcher: 'a researcher password', memberA: a.memberPassword, adminA: a.adminPassword, consortiumAdmin: ADMIN_PASSWORD, adminB: b.adminPassword, memberB: b.memberPassword },
    userIds: { researcher: researcher.userId, memberA: a.institution.memberUserId, adminA: a.institution.adminUserId, consortiumAdmin: me.body.userId, adminB: b.institution.adminUserId, memberB: b.institution.memberUserId },
    a: a.institution,
    b: b.institution,
  };
}
