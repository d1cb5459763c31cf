import { createApp } from 'vue';
import { installElement } from './element';
import App from './App.vue';
import { router } from './router';
import { setupI18n } from '@shared/i18n';
import { en, zh } from './messages';
import './theme.css';

const i18n = setupI18n(zh, en);
const app = createApp(App);
installElement(app);
app.use(i18n).use(router).mount('#app');
