import type { RouteRecordRaw } from 'vue-router';

/** The phone pages of home care and the canteen. */
export const careRoutes: RouteRecordRaw[] = [
  { path: '/care', name: 'care', component: () => import('./pages/CarePage.vue'), meta: { auth: true } },
  {
    path: '/care/orders',
    name: 'careOrders',
    component: () => import('./pages/CareOrdersPage.vue'),
    meta: { auth: true },
  },
  {
    path: '/care/tasks',
    name: 'careTasks',
    component: () => import('./pages/CareTasksPage.vue'),
    meta: { auth: true },
  },
  { path: '/canteen', name: 'canteen', component: () => import('./pages/CanteenPage.vue') },
];
