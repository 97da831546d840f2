import { createApp } from 'vue';
import App from './App.vue';
import { restore } from './features/auth/session';
import { router } from './router';
import './ui/base.css';

// The market is where most visits land: its chunk loads while the session is being restored.
if (window.location.pathname === '/' || window.location.pathname.startsWith('/market')) void import('./features/market/MarketPage.vue');

// A session this browser still holds (the refresh cookie) is restored before the first route is chosen.
void restore().then(() => {
  createApp(App).use(router).mount('#app');
});
