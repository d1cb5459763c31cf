import { createApp } from 'vue';
import App from './App.vue';
import { setupI18n } from '@shared/i18n';
import { en, zh } from './messages';
import './screen.css';

const i18n = setupI18n(zh, en);
document.title = `${i18n.global.t('common.appName')} · ${i18n.global.t('screen.short')}`;
createApp(App).use(i18n).mount('#app');
