import "element-plus/dist/index.css";
import "./style.css";

import ElementPlus from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import { createApp } from "vue";

import App from "./App.vue";
import { router } from "./router";
import { keyboardScrollable } from "./scrollable";

createApp(App).use(router).use(ElementPlus, { locale: zhCn }).mount("#app");
keyboardScrollable(document.body);
