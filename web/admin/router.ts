import { createRouter, createWebHistory } from 'vue-router';
import type { SessionUser } from '@shared/types';
import { currentUser, hasRole, levelOf, loadMe } from '@shared/session';
import { careMenu, careRoutes } from './routes.care';

/**
 * A menu entry; `group` puts it in a sub-menu (居民服务, 系统管理). `levels` are the jurisdictions it is for:
 * a district's (or county's) work by default, or the city's overview of its districts.
 */
export interface MenuItem {
  path: string;
  name: string;
  icon: string;
  roles: string[];
  group?: string;
  levels?: ('city' | 'district')[];
}

/** Console routes; `roles` limits a page to those roles (admin sees everything). */
export const menu: MenuItem[] = [
  { path: '/', name: 'home', icon: 'HomeFilled', roles: [] as string[] },
  { path: '/problems', name: 'problems', icon: 'List', roles: [] },
  { path: '/topics', name: 'topics', icon: 'Notebook', roles: ['supervisor', 'leader', 'official', 'admin'] },
  { path: '/results', name: 'results', icon: 'Trophy', roles: [] },
  { path: '/dashboard', name: 'dashboard', icon: 'DataAnalysis', roles: ['supervisor', 'leader', 'admin'] },
  { path: '/briefing', name: 'briefing', icon: 'Document', roles: ['supervisor', 'leader', 'admin'] },
  { path: '/calls', name: 'calls', icon: 'Phone', roles: ['operator', 'supervisor'] },
  { path: '/follow-ups', name: 'followUps', icon: 'ChatDotRound', roles: ['operator', 'supervisor'] },
  { path: '/supervision', name: 'supervision', icon: 'Flag', roles: ['supervisor', 'leader'] },
  { path: '/city', name: 'city', icon: 'MapLocation', roles: ['supervisor', 'leader'], levels: ['city'] },
  { path: '/import', name: 'import', icon: 'Upload', roles: ['supervisor', 'admin', 'operator'] },
  ...careMenu,
  { path: '/admin/units', name: 'units', icon: 'OfficeBuilding', roles: ['admin'], group: 'system' },
  { path: '/admin/users', name: 'users', icon: 'User', roles: ['admin'], group: 'system' },
  { path: '/admin/categories', name: 'categories', icon: 'Collection', roles: ['admin'], group: 'system' },
  { path: '/admin/time-rules', name: 'timeRules', icon: 'Timer', roles: ['admin'], group: 'system' },
  { path: '/admin/calendar', name: 'calendar', icon: 'Calendar', roles: ['admin'], group: 'system' },
  { path: '/admin/api-keys', name: 'apiKeys', icon: 'Key', roles: ['admin'], group: 'system' },
];

/** Whether the console offers a page to a user: its jurisdiction's level, then its roles (admin: all). */
export function offered(m: MenuItem, user: SessionUser | null | undefined): boolean {
  if (!(m.levels ?? ['district']).includes(levelOf(user))) return false;
  return !m.roles.length || hasRole(user, ...m.roles, 'admin');
}

/** Where a user lands: the city's office on its overview, everyone else on the workbench. */
export const landing = (user: SessionUser | null | undefined) => (levelOf(user) === 'city' ? 'city' : 'home');

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/LoginPage.vue'),
      meta: { public: true },
    },
    {
      path: '/',
      component: () => import('./AdminLayout.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./pages/HomePage.vue') },
        { path: 'problems', name: 'problems', component: () => import('./pages/ProblemsPage.vue') },
        {
          path: 'problems/:id',
          name: 'problem',
          component: () => import('./pages/ProblemDetailPage.vue'),
          props: true,
        },
        { path: 'topics', name: 'topics', component: () => import('./pages/TopicsPage.vue') },
        { path: 'results', name: 'results', component: () => import('./pages/ResultsPage.vue') },
        { path: 'dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') },
        { path: 'briefing', name: 'briefing', component: () => import('./pages/BriefingPage.vue') },
        { path: 'import', name: 'import', component: () => import('./pages/ImportPage.vue') },
        ...careRoutes,
        { path: 'calls', name: 'calls', component: () => import('./pages/CallIntakePage.vue') },
        { path: 'follow-ups', name: 'followUps', component: () => import('./pages/FollowUpsPage.vue') },
        { path: 'supervision', name: 'supervision', component: () => import('./pages/SupervisionPage.vue') },
        { path: 'city', name: 'city', component: () => import('./pages/CityPage.vue') },
        { path: 'admin/units', name: 'units', component: () => import('./pages/UnitsPage.vue') },
        { path: 'admin/users', name: 'users', component: () => import('./pages/UsersPage.vue') },
        {
          path: 'admin/categories',
          name: 'categories',
          component: () => import('./pages/CategoriesPage.vue'),
        },
        { path: 'admin/time-rules', name: 'timeRules', component: () => import('./pages/TimeRulesPage.vue') },
        { path: 'admin/calendar', name: 'calendar', component: () => import('./pages/CalendarPage.vue') },
        { path: 'admin/api-keys', name: 'apiKeys', component: () => import('./pages/ApiKeysPage.vue') },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (currentUser.value === undefined) await loadMe();
  if (!to.meta.public && !currentUser.value) return { name: 'login', query: { next: to.fullPath } };
  if (to.meta.public) return true;
  const home = landing(currentUser.value);
  // The landing page is always shown (it says itself when there is nothing for this user).
  if (to.name === home) return true;
  const item = menu.find((m) => m.name === to.name);
  // Pages outside the menu (a problem's detail) belong to a district's work.
  if (item ? !offered(item, currentUser.value) : levelOf(currentUser.value) === 'city') return { name: home };
  return true;
});
