import { createApp } from 'vue';
import App from './App.vue';
import { restore } from './features/auth/session';
import { router } from './router';
import './ui/base.css';

// A session this browser still holds (the refresh cookie) is restored before the first route is chosen.
void restore().then(() => {
  createApp(App).use(router).mount('#app');
});
