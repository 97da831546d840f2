// The signed-in session. The access token lives in memory (api/client.ts); the refresh token in the
// edge's HttpOnly, Secure, SameSite=Strict cookie (sign-in asks for `refreshIn=cookie`), which script
// can neither read nor send anywhere but the edge's /auth routes. A reload restores the session by one
// silent refresh; a timer refreshes a minute before the access token expires.
import { computed, reactive } from 'vue';
import { api, call, setAccessToken, whenUnauthenticated } from '../../api/client';
import type { components } from '@phdmf/client';

export type User = components['schemas']['UserResponse'];
export type Role = User['roles'][number];

interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_SECONDS = 60;

const state = reactive({ user: undefined as User | undefined, expired: false });
let timer: ReturnType<typeof setTimeout> | undefined;
let expiredHandler: (() => void) | undefined;

export const session = {
  get user(): User | undefined {
    return state.user;
  },
  get expired(): boolean {
    return state.expired;
  },
};

export const signedIn = computed(() => state.user !== undefined);

export function hasRole(...roles: Role[]): boolean {
  return state.user?.roles.some((r) => roles.includes(r)) ?? false;
}

/** Where the router goes when the session ends by itself (not by signing out). */
export function onSessionExpired(handler: () => void): void {
  expiredHandler = handler;
}

function adopt(tokens: TokenAnswer): void {
  setAccessToken(tokens.accessToken);
  if (timer) clearTimeout(timer);
  const inMs = Math.max(5, tokens.expiresIn - REFRESH_MARGIN_SECONDS) * 1000;
  timer = setTimeout(() => {
    refresh().catch(() => {
      expire();
    });
  }, inMs);
}

function forget(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  setAccessToken(undefined);
  state.user = undefined;
}

function expire(): void {
  if (!state.user) return;
  forget();
  state.expired = true;
  expiredHandler?.();
}

whenUnauthenticated(() => {
  expire();
});

/** Reads the signed-in user again (after a profile change). */
export function reloadUser(): Promise<void> {
  return loadUser();
}

async function loadUser(): Promise<void> {
  state.user = await call(api.GET('/api/v1/auth/me'));
  state.expired = false;
}

export async function signIn(email: string, password: string): Promise<void> {
  const tokens = await call(api.POST('/api/v1/auth/login', { params: { query: { refreshIn: 'cookie' } }, body: { email, password } }));
  adopt(tokens);
  await loadUser();
}

/** One silent refresh from the cookie; throws when there is no live session. */
export async function refresh(): Promise<void> {
  adopt(await call(api.POST('/api/v1/auth/refresh', { body: {} })));
}

/** The edge's readable companion of the refresh cookie: it says a session exists, and holds no secret. */
const SESSION_HINT = /(?:^|;\s*)phdmf-session=1(?:;|$)/;

/** On start: a session this browser still has (the cookie) comes back without a sign-in. */
export async function restore(): Promise<boolean> {
  if (!SESSION_HINT.test(document.cookie)) return false;
  try {
    await refresh();
    await loadUser();
    return true;
  } catch {
    forget();
    return false;
  }
}

export async function signOut(): Promise<void> {
  try {
    await call(api.POST('/api/v1/auth/logout', { body: {} }));
  } finally {
    forget();
    state.expired = false;
  }
}
