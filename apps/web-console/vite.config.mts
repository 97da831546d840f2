// The console's build: one small entry (the shell, sign-in and the router), every page its own chunk
// loaded on navigation, the chart library in its own chunk loaded by the analyses page only.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [vue()],
  resolve: {
    // One canonical JSON for every hash (CONVENTIONS: one rule, one home): the chaincode's own file,
    // which imports nothing, recomputes a result hash in the browser exactly as the services do.
    alias: {
      '@phdmf/chaincode/canonical-json': fileURLToPath(new URL('../../chaincode/src/canonical-json.ts', import.meta.url)),
      // The ledger's vocabularies (statistics, model kinds): one file of constants that imports nothing,
      // taken alone so that the rest of @phdmf/contracts (validators, Node code) stays out of the bundle.
      '@phdmf/contracts/ledger-records': fileURLToPath(new URL('../../libs/contracts/src/ledger/lib/records.ts', import.meta.url)),
      '@phdmf/client': fileURLToPath(new URL('../../libs/client/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/web-console', import.meta.url)),
    emptyOutDir: true,
    // The edge's Content-Security-Policy allows no inline script: no module-preload polyfill inlined.
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1' },
});
