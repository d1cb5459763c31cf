/** Vant components used by the phone pages, imported one by one with only their own CSS. */
import type { App } from 'vue';
import {
  Button,
  Cascader,
  Cell,
  CellGroup,
  Checkbox,
  CheckboxGroup,
  Empty,
  Field,
  Form,
  Grid,
  GridItem,
  Icon,
  List,
  Loading,
  Locale,
  NavBar,
  NoticeBar,
  Popup,
  PullRefresh,
  Radio,
  RadioGroup,
  Search,
  Step,
  Steps,
  Switch,
  Tab,
  Tabbar,
  TabbarItem,
  Tabs,
  Tag,
  Uploader,
  DropdownMenu,
  DropdownItem,
} from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';
import 'vant/es/style/base.css';
import 'vant/es/button/style/index';
import 'vant/es/cascader/style/index';
import 'vant/es/cell/style/index';
import 'vant/es/cell-group/style/index';
import 'vant/es/checkbox/style/index';
import 'vant/es/checkbox-group/style/index';
import 'vant/es/empty/style/index';
import 'vant/es/field/style/index';
import 'vant/es/form/style/index';
import 'vant/es/grid/style/index';
import 'vant/es/grid-item/style/index';
import 'vant/es/icon/style/index';
import 'vant/es/list/style/index';
import 'vant/es/loading/style/index';
import 'vant/es/nav-bar/style/index';
import 'vant/es/notice-bar/style/index';
import 'vant/es/popup/style/index';
import 'vant/es/pull-refresh/style/index';
import 'vant/es/radio/style/index';
import 'vant/es/radio-group/style/index';
import 'vant/es/search/style/index';
import 'vant/es/step/style/index';
import 'vant/es/steps/style/index';
import 'vant/es/tab/style/index';
import 'vant/es/tabs/style/index';
import 'vant/es/tabbar/style/index';
import 'vant/es/tabbar-item/style/index';
import 'vant/es/switch/style/index';
import 'vant/es/tag/style/index';
import 'vant/es/uploader/style/index';
import 'vant/es/dropdown-menu/style/index';
import 'vant/es/dropdown-item/style/index';
import 'vant/es/toast/style/index';
import 'vant/es/dialog/style/index';

const components = [
  Button,
  Cascader,
  Cell,
  CellGroup,
  Checkbox,
  CheckboxGroup,
  Empty,
  Field,
  Form,
  Grid,
  GridItem,
  Icon,
  List,
  Loading,
  NavBar,
  NoticeBar,
  Popup,
  PullRefresh,
  Radio,
  RadioGroup,
  Search,
  Step,
  Steps,
  Switch,
  Tab,
  Tabbar,
  TabbarItem,
  Tabs,
  Tag,
  Uploader,
  DropdownMenu,
  DropdownItem,
];

/** Registers the Vant components used here. */
export function installVant(app: App): void {
  for (const c of components) app.use(c);
}

/** Switches Vant's own texts (picker buttons, empty states) with the app's language. */
export function vantLocale(locale: string): void {
  if (locale === 'en-US') Locale.use('en-US', enUS);
  else Locale.use('zh-CN', zhCN);
}
