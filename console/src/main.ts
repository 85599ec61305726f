import "element-plus/dist/index.css";
import "./style.css";

// The Element Plus components the pages use, one by one: registering the whole library ships
// ~890 KB of JavaScript for ~25 components. A child (ElRadioGroup, ElOption, ElTableColumn…) is
// registered by its parent's install (ElRadio, ElSelect, ElTable…); its own is a no-op.
import {
  ElAlert, ElAside, ElButton, ElCard, ElCollapse, ElCollapseItem, ElConfigProvider, ElContainer, ElDescriptions,
  ElDescriptionsItem, ElDrawer, ElEmpty, ElForm, ElFormItem, ElHeader, ElInput, ElInputNumber, ElLoading, ElMain,
  ElOption, ElProgress, ElRadio, ElRadioButton, ElRadioGroup, ElSelect, ElTable, ElTableColumn, ElTag,
} from "element-plus";
import { createApp } from "vue";

import App from "./App.vue";
import { loadLabels } from "./labels";
import { router } from "./router";
import { keyboardScrollable } from "./scrollable";

const app = createApp(App).use(router);
for (const c of [ElAlert, ElAside, ElButton, ElCard, ElCollapse, ElCollapseItem, ElConfigProvider, ElContainer,
  ElDescriptions, ElDescriptionsItem, ElDrawer, ElEmpty, ElForm, ElFormItem, ElHeader, ElInput, ElInputNumber,
  ElMain, ElOption, ElProgress, ElRadio, ElRadioButton, ElRadioGroup, ElSelect, ElTable, ElTableColumn, ElTag]) {
  app.use(c);
}
app.use(ElLoading);
// The API's labels first: pages read them as they render (one small request, before the first one).
void loadLabels().then(() => {
  app.mount("#app");
  keyboardScrollable(document.body);
});
