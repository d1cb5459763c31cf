import { createRouter, createWebHistory } from 'vue-router';
import { currentUser, loadMe } from '@shared/session';
import { careRoutes } from './routes.care';
import { jobsRoutes, openHashLink } from './pages/jobs/routes';

export const router = createRouter({
  history: createWebHistory('/m/'),
  scrollBehavior: () => ({ top: 0 }),
  routes: [
    { path: '/', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { tab: true } },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue') },
    {
      path: '/report',
      name: 'report',
      component: () => import('./pages/ReportPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/enterprise',
      name: 'enterprise',
      component: () => import('./pages/ReportPage.vue'),
      props: { enterprise: true },
      meta: { auth: true },
    },
    {
      path: '/mine',
      name: 'mine',
      component: () => import('./pages/MyReportsPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/problems/:id',
      name: 'problem',
      component: () => import('./pages/ProblemPage.vue'),
      props: true,
    },
    {
      path: '/results',
      name: 'results',
      component: () => import('./pages/ResultsPage.vue'),
      meta: { tab: true },
    },
    { path: '/notices', name: 'notices', component: () => import('./pages/NoticesPage.vue') },
    {
      path: '/official',
      name: 'official',
      component: () => import('./pages/OfficialPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/official/visit',
      name: 'visit',
      component: () => import('./pages/VisitPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/messages',
      name: 'messages',
      component: () => import('./pages/MessagesPage.vue'),
      meta: { tab: true, auth: true },
    },
    { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tab: true } },
    ...careRoutes,
    ...jobsRoutes,
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

router.beforeEach(openHashLink);
router.beforeEach(async (to) => {
  if (currentUser.value === undefined) await loadMe();
  if (to.meta.auth && !currentUser.value) return { name: 'login', query: { next: to.fullPath } };
  return true;
});
