import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// The built files go to dist/, which the gateway serves at `/` (gateway_svc/console.py).
export default defineConfig({
  plugins: [vue()],
  // The typed client is a local package (a symlink): resolve its imports from this package's
  // node_modules, so the console builds without the client's own install.
  resolve: { preserveSymlinks: true, dedupe: ["openapi-fetch", "vue"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: { output: { manualChunks: { vue: ["vue", "vue-router"] } } },
  },
  server: { proxy: { "/api": process.env.GETIHU_URL ?? "http://127.0.0.1:8000" } },
});
