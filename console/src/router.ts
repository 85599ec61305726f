/** Routes with the roles that may open them; the guard sends everyone else to sign in. */
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";

import { hasRole, session } from "./stores/session";

declare module "vue-router" {
  interface RouteMeta {
    title: string;
    roles?: string[];
  }
}

const OPERATOR = ["operator"];
const STAFF = ["county_staff", "prefecture_staff", "admin"];

export const routes: RouteRecordRaw[] = [
  { path: "/", redirect: "/directory" },
  { path: "/signin", component: () => import("./views/SignIn.vue"), meta: { title: "登录" } },
  { path: "/signin/callback", component: () => import("./views/SignInCallback.vue"), meta: { title: "登录" } },
  { path: "/directory", component: () => import("./views/public/Directory.vue"), meta: { title: "名录查询" } },
  { path: "/standards", component: () => import("./views/public/Standards.vue"), meta: { title: "分型标准" } },
  { path: "/cultivation", component: () => import("./views/public/Cultivation.vue"), meta: { title: "培育标准与公示" } },
  { path: "/measures", component: () => import("./views/public/Measures.vue"), meta: { title: "帮扶措施" } },
  { path: "/me/businesses", component: () => import("./views/operator/Businesses.vue"), meta: { title: "我的个体户", roles: OPERATOR } },
  { path: "/me/measures", component: () => import("./views/operator/MyMeasures.vue"), meta: { title: "我的帮扶措施", roles: OPERATOR } },
  { path: "/me/applications", component: () => import("./views/operator/Applications.vue"), meta: { title: "培育申报", roles: OPERATOR } },
  { path: "/me/objections", component: () => import("./views/operator/Objections.vue"), meta: { title: "异议", roles: OPERATOR } },
  { path: "/me/info-reports", component: () => import("./views/operator/InfoReports.vue"), meta: { title: "信息报告", roles: OPERATOR } },
  { path: "/me/inbox", component: () => import("./views/operator/Inbox.vue"), meta: { title: "站内信", roles: OPERATOR } },
  { path: "/staff/imports", component: () => import("./views/staff/Imports.vue"), meta: { title: "数据导入", roles: STAFF } },
  { path: "/staff/coverage", component: () => import("./views/staff/Coverage.vue"), meta: { title: "部门数据到达情况", roles: STAFF } },
  { path: "/staff/runs", component: () => import("./views/staff/Runs.vue"), meta: { title: "分型运行与发布", roles: ["prefecture_staff", "admin"] } },
  { path: "/staff/reviews", component: () => import("./views/staff/Reviews.vue"), meta: { title: "审核队列", roles: ["county_staff", "admin"] } },
  { path: "/staff/worklist", component: () => import("./views/staff/Worklist.vue"), meta: { title: "工作清单", roles: STAFF } },
  { path: "/staff/statistics", component: () => import("./views/staff/Statistics.vue"), meta: { title: "统计分析", roles: STAFF } },
  { path: "/staff/audit", component: () => import("./views/staff/Audit.vue"), meta: { title: "保密数据查阅留痕", roles: ["prefecture_staff", "admin"] } },
  { path: "/dept/recommendations", component: () => import("./views/department/Recommendations.vue"), meta: { title: "部门推荐", roles: ["department"] } },
  { path: "/agency/uploads", component: () => import("./views/agency/Uploads.vue"), meta: { title: "数据报送", roles: ["agency"] } },
  { path: "/:rest(.*)*", component: () => import("./views/NotFound.vue"), meta: { title: "页面不存在" } },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  const roles = to.meta.roles;
  if (roles && !hasRole(...roles)) {
    return { path: "/signin", query: { next: to.fullPath, need: session.principal ? "role" : undefined } };
  }
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title} · 个体工商户分型分类培育平台`;
});
