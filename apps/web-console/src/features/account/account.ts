// The signed-in user's own account, and an institution admin's staff accounts.
import { api, call } from '../../api/client';

export function updateProfile(displayName: string) {
  return call(api.PATCH('/api/v1/auth/me', { body: { displayName } }));
}

export function changePassword(currentPassword: string, newPassword: string) {
  return call(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } }));
}

export function loginHistory(cursor: string | undefined) {
  return call(api.GET('/api/v1/auth/login-history', { params: { query: cursor ? { cursor } : {} } }));
}

export function staff(memberId: string, cursor: string | undefined) {
  return call(api.GET('/api/v1/institutions/{memberId}/users', { params: { path: { memberId }, query: cursor ? { cursor } : {} } }));
}

export function createStaff(memberId: string, body: { email: string; password: string; displayName: string }) {
  return call(api.POST('/api/v1/institutions/{memberId}/users', { params: { path: { memberId } }, body }));
}
