import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const API_TARGET = process.env.KANGLIAN_API_URL ?? 'http://localhost:3000';

/** Vendor groups, so that no chunk carries the whole dependency tree (antd alone is ~1 MB). */
const VENDOR_GROUPS: { name: string; test: RegExp; priority: number }[] = [
  // Groups take their modules' dependencies along: the React binding (echarts-for-react, which imports react)
  // stays out of every group, so it lands in the lazy chart chunk and React stays in vendor-react.
  { name: 'vendor-echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 40 },
  { name: 'vendor-antd', test: /node_modules[\\/](antd|@ant-design)[\\/]/, priority: 30 },
  { name: 'vendor-rc', test: /node_modules[\\/](@rc-component|rc-[^\\/]+|@emotion|stylis|dayjs|throttle-debounce|scroll-into-view-if-needed|compute-scroll-into-view|json2mq|string-convert)[\\/]/, priority: 35 },
  { name: 'vendor-react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler|i18next|react-i18next)[\\/]/, priority: 20 },
  { name: 'vendor', test: /node_modules[\\/](?!echarts-for-react[\\/]|size-sensor[\\/])/, priority: 10 },
];

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/docs': { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      output: {
        // Rolldown's successor to Rollup's manualChunks.
        codeSplitting: { groups: VENDOR_GROUPS },
      },
    },
  },
});
