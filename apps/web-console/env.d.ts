/// <reference types="vite/client" />

// What a single-file component is to tools that read only .ts (ESLint's type-aware rules); vue-tsc
// and Vite read the component itself and its real types.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
