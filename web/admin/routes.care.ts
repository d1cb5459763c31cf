import type { RouteRecordRaw } from 'vue-router';
import type { MenuItem } from './router';

const STAFF = ['supervisor', 'unit_handler'];

/** The console's resident-service pages, in the 居民服务 group of the menu. */
export const careMenu: MenuItem[] = [
  { path: '/services/care-orders', name: 'careOrders', icon: 'FirstAidKit', roles: STAFF, group: 'services' },
  {
    path: '/services/settlement',
    name: 'careSettlement',
    icon: 'Money',
    roles: ['supervisor'],
    group: 'services',
  },
  { path: '/services/canteen', name: 'canteenCounter', icon: 'Bowl', roles: STAFF, group: 'services' },
  { path: '/services/directory', name: 'directory', icon: 'Shop', roles: STAFF, group: 'services' },
  { path: '/services/registry', name: 'registry', icon: 'Postcard', roles: STAFF, group: 'services' },
  { path: '/services/notices', name: 'noticesAdmin', icon: 'Bell', roles: ['supervisor'], group: 'services' },
];

export const careRoutes: RouteRecordRaw[] = [
  {
    path: 'services/care-orders',
    name: 'careOrders',
    component: () => import('./pages/CareOrdersPage.vue'),
  },
  {
    path: 'services/settlement',
    name: 'careSettlement',
    component: () => import('./pages/CareSettlementPage.vue'),
  },
  {
    path: 'services/canteen',
    name: 'canteenCounter',
    component: () => import('./pages/CanteenCounterPage.vue'),
  },
  { path: 'services/directory', name: 'directory', component: () => import('./pages/DirectoryPage.vue') },
  { path: 'services/registry', name: 'registry', component: () => import('./pages/RegistryPage.vue') },
  { path: 'services/notices', name: 'noticesAdmin', component: () => import('./pages/NoticesAdminPage.vue') },
];
