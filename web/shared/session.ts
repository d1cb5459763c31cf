import { ref, watch } from 'vue';
import { api, ApiError, resetCsrf, sessionHint, setCsrf, setSessionHint } from './api';
import type { SessionJurisdiction, SessionUser, User } from './types';

/** The signed-in user, or null; undefined until the first check. */
export const currentUser = ref<SessionUser | null | undefined>(undefined);

/** What sign-in and `GET /api/auth/me` answer: the user and the jurisdiction it works in. */
interface SignedIn {
  user: User;
  jurisdiction?: SessionJurisdiction | null;
  csrfToken?: string;
}

/** The signed-in user as the web apps keep it: the user with its jurisdiction. */
function sessionUser(r: SignedIn): SessionUser {
  return { ...r.user, jurisdiction: r.jurisdiction ?? null };
}

/** Asks the server who is signed in (`GET /api/auth/me`). */
export async function loadMe(): Promise<User | null> {
  if (!sessionHint()) {
    currentUser.value = null;
    return null;
  }
  try {
    const r = await api.get<Partial<SignedIn> & Partial<User>>('/api/auth/me');
    const user = r.user ?? (r.id ? (r as User) : null);
    currentUser.value = user ? sessionUser({ user, jurisdiction: r.jurisdiction }) : null;
  } catch (e) {
    // Offline, the user is the one this device last saw signed in (the field pages work offline);
    // a 401 means signed out.
    currentUser.value = e instanceof ApiError ? null : lastUser();
  }
  return currentUser.value;
}

const LAST_USER = 'qingdan.me';

function lastUser(): SessionUser | null {
  try {
    const v = localStorage.getItem(LAST_USER);
    return v ? (JSON.parse(v) as SessionUser) : null;
  } catch {
    return null;
  }
}

// Whoever is signed in is remembered on this device for offline use, and forgotten on sign-out.
watch(currentUser, (u) => {
  if (u === undefined) return;
  try {
    if (u) localStorage.setItem(LAST_USER, JSON.stringify(u));
    else localStorage.removeItem(LAST_USER);
  } catch {
    /* storage unavailable */
  }
});

/** Staff and demo sign-in with user name and password. */
export async function login(username: string, password: string): Promise<User> {
  resetCsrf();
  const r = await api.post<SignedIn>('/api/auth/login', { username, password });
  setCsrf(r.csrfToken);
  setSessionHint(true);
  currentUser.value = sessionUser(r);
  return r.user;
}

/** Resident sign-in, step 1: ask for a one-time code. In the demo the answer carries `demoCode`. */
export async function requestOtp(phone: string): Promise<{ demoCode?: string }> {
  resetCsrf();
  return api.post<{ demoCode?: string }>('/api/auth/otp', { phone });
}

/** Resident sign-in, step 2: check the code. */
export async function verifyOtp(phone: string, code: string): Promise<User> {
  const r = await api.post<SignedIn>('/api/auth/otp/verify', { phone, code });
  setCsrf(r.csrfToken);
  setSessionHint(true);
  currentUser.value = sessionUser(r);
  return r.user;
}

/** Signs out. */
export async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', {});
  } finally {
    resetCsrf();
    setSessionHint(false);
    currentUser.value = null;
    // API answers the service worker kept for offline use belong to the user who leaves.
    if (typeof caches !== 'undefined') await caches.delete('qingdan-m-api').catch(() => false);
  }
}

/** True when the user has one of the roles. */
export function hasRole(user: User | null | undefined, ...roles: string[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

/** The level of the signed-in user's jurisdiction: a city's office reads only its districts' figures. */
export function levelOf(user: SessionUser | null | undefined): SessionJurisdiction['level'] {
  return user?.jurisdiction?.level ?? 'district';
}

/** The name to show for a user. */
export function displayName(user: User | null | undefined): string {
  return user?.displayName || user?.username || '';
}
