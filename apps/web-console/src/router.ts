// Every page is its own chunk, loaded when first visited: the initial bundle is the shell and sign-in.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import SignInPage from './features/auth/SignInPage.vue';
import { onSessionExpired, session } from './features/auth/session';
import type { MessageKey } from './i18n';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** The page's title, from the catalogue. */
    title?: MessageKey;
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/market' },
  { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { public: true, title: 'auth.title' } },
  { path: '/session-expired', name: 'session-expired', component: () => import('./features/auth/SessionExpiredPage.vue'), meta: { public: true, title: 'auth.expiredTitle' } },
  { path: '/market', name: 'market', component: () => import('./features/market/MarketPage.vue'), meta: { title: 'market.title' } },
  { path: '/market/:datasetId', name: 'dataset', component: () => import('./features/market/DatasetPage.vue'), props: true, meta: { title: 'market.title' } },
  { path: '/applications', name: 'applications', component: () => import('./features/applications/ApplicationsPage.vue'), meta: { title: 'applications.title' } },
  { path: '/analyses', name: 'analyses', component: () => import('./features/analyses/AnalysesPage.vue'), meta: { title: 'analyses.title' } },
  { path: '/analyses/:analysisId', name: 'analysis', component: () => import('./features/analyses/AnalysisPage.vue'), props: true, meta: { title: 'analyses.title' } },
  { path: '/provenance/:datasetId', name: 'provenance', component: () => import('./features/provenance/ProvenancePage.vue'), props: true, meta: { title: 'nav.market' } },
  { path: '/blocks', name: 'blocks', component: () => import('./features/ledger/BlocksPage.vue'), meta: { title: 'blocks.title' } },
  { path: '/blocks/:number(\\d+)', name: 'block', component: () => import('./features/ledger/BlockPage.vue'), props: true, meta: { title: 'blocks.title' } },
  { path: '/transactions/:txId', name: 'transaction', component: () => import('./features/ledger/TransactionPage.vue'), props: true, meta: { title: 'blocks.title' } },
  { path: '/nodes', name: 'nodes', component: () => import('./features/nodes/NodesPage.vue'), meta: { title: 'nodes.title' } },
  { path: '/membership', name: 'membership', component: () => import('./features/membership/MembershipPage.vue'), meta: { title: 'membership.title' } },
  { path: '/upload', name: 'upload', component: () => import('./features/upload/UploadPage.vue'), meta: { title: 'upload.title' } },
  { path: '/account', name: 'account', component: () => import('./features/account/AccountPage.vue'), meta: { title: 'account.title' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./features/NotFoundPage.vue'), meta: { public: true } },
];

export const router = createRouter({ history: createWebHistory(), routes, scrollBehavior: () => ({ top: 0 }) });

router.beforeEach((to) => {
  if (to.meta.public || session.user) return true;
  return { name: 'sign-in', query: to.fullPath !== '/' && to.fullPath !== '/market' ? { next: to.fullPath } : {} };
});

onSessionExpired(() => {
  void router.push({ name: 'session-expired' });
});
