/** One way a page runs an action a person started: busy while it runs, its Chinese outcome or refusal
 * shown, the page's lists read again afterwards. */
import { ref } from "vue";

import { messageOf } from "./api";

export function useAction(reload: () => Promise<unknown>) {
  const busy = ref(false);
  const error = ref<string | null>(null);
  const notice = ref<string | null>(null);

  async function act(run: () => Promise<unknown>, done: string): Promise<boolean> {
    busy.value = true;
    error.value = notice.value = null;
    try {
      await run();
      notice.value = done;
      await reload();
      return true;
    } catch (e) {
      error.value = messageOf(e);
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, notice, act };
}
