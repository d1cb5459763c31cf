import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import App from './App.vue';
import { router } from './router';
import { setupI18n } from '@shared/i18n';
import { en, zh } from './messages';
import './theme.css';

const i18n = setupI18n(zh, en);
const app = createApp(App);
app.use(ElementPlus).use(i18n).use(router).mount('#app');
