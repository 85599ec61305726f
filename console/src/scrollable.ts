/** Element Plus's scroll containers (tables wider than a phone, long lists) cannot be reached by
 * keyboard: give each one a tab stop and a name as it appears (WCAG 2.1.1, axe scrollable-region-focusable). */
export function keyboardScrollable(root: HTMLElement): void {
  const mark = () => {
    root.querySelectorAll<HTMLElement>(".el-scrollbar__wrap:not([tabindex])").forEach((el) => {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "可滚动区域");
    });
  };
  new MutationObserver(mark).observe(root, { childList: true, subtree: true });
  mark();
}
