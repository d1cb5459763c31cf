import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router';

/** The jobs pages of `/m/` (荷塘大就业): the map and list, a posting, applications, the SMS link. */
export const jobsRoutes: RouteRecordRaw[] = [
  { path: '/jobs', name: 'jobs', component: () => import('./JobsPage.vue') },
  {
    path: '/jobs/applications',
    name: 'job-applications',
    component: () => import('./JobApplicationsPage.vue'),
    meta: { auth: true },
  },
  {
    path: '/jobs/applications/:id',
    name: 'job-application',
    component: () => import('./JobApplicationPage.vue'),
    props: true,
    meta: { auth: true },
  },
  {
    path: '/jobs/reconfirm/:token',
    name: 'job-reconfirm',
    component: () => import('./JobReconfirmPage.vue'),
    props: true,
  },
  { path: '/jobs/:id', name: 'job', component: () => import('./JobPostingPage.vue'), props: true },
];

/**
 * Links sent by SMS and the postings' public links name the page after a `#` (`/m/#/jobs/…`), which
 * keeps a token out of server logs: such an address opens that page.
 */
export function openHashLink(to: RouteLocationNormalized) {
  return to.hash.startsWith('#/') ? { path: to.hash.slice(1), replace: true } : true;
}
