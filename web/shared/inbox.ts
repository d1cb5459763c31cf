import { ref } from 'vue';
import { api } from './api';

/** An item of the caller's message centre (消息), as `/api/notifications` answers it. */
export interface InboxItem {
  id: string;
  kind: string;
  problemId: string | null;
  problemNumber: string | null;
  title: string;
  body: string;
  createdAt: string;
  read: boolean;
}

/** The caller's unread count, shared by the bell (console) and the 消息 tab (phone). */
export const unread = ref(0);
/** The caller's latest messages, newest first. */
export const inboxItems = ref<InboxItem[]>([]);

/** Reads the unread count again (quietly: a failure keeps the last one). */
export async function refreshUnread(): Promise<void> {
  try {
    unread.value = (await api.get<{ unread: number }>('/api/notifications/unread-count')).unread;
  } catch {
    /* offline or signed out: keep what is shown */
  }
}

/** Loads the latest messages and the unread count. */
export async function loadInbox(): Promise<void> {
  inboxItems.value = await api.list<InboxItem>('/api/notifications', { limit: 100 });
  await refreshUnread();
}

/** Marks one message read (when opened). */
export async function markRead(item: InboxItem): Promise<void> {
  if (item.read) return;
  await api.post(`/api/notifications/${item.id}/read`);
  item.read = true;
  inboxItems.value = [...inboxItems.value];
  await refreshUnread();
}

/** Marks all of the caller's messages read. */
export async function markAllRead(): Promise<void> {
  await api.post('/api/notifications/read-all');
  inboxItems.value = inboxItems.value.map((i) => ({ ...i, read: true }));
  unread.value = 0;
}

let timer: ReturnType<typeof setInterval> | null = null;

/** Keeps the unread count fresh while a user is signed in (every 30 s and when the page is shown again). */
export function watchUnread(): () => void {
  void refreshUnread();
  timer ??= setInterval(() => void refreshUnread(), 30_000);
  const onShow = () => {
    if (document.visibilityState === 'visible') void refreshUnread();
  };
  document.addEventListener('visibilitychange', onShow);
  return () => {
    if (timer) clearInterval(timer);
    timer = null;
    document.removeEventListener('visibilitychange', onShow);
  };
}
