import { createApp, watch } from 'vue';
import App from './App.vue';
import { router } from './router';
import { installVant, vantLocale } from './vant';
import { setupI18n } from '@shared/i18n';
import { startOutbox } from '@shared/outbox';
import { restoreLargeText } from '@shared/largeText';
import { en, zh } from './messages';
import './theme.css';

const i18n = setupI18n(zh, en);
vantLocale(i18n.global.locale.value);
watch(i18n.global.locale, (l) => {
  vantLocale(l);
  document.title = i18n.global.t('m.brand');
});
document.title = `${i18n.global.t('m.brand')} · ${i18n.global.t('common.appName')}`;

restoreLargeText();
const app = createApp(App);
installVant(app);
app.use(i18n).use(router).mount('#app');
startOutbox();

// The service worker keeps the phone pages openable offline (built files only; none in development).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined);
}
