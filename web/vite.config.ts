import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by Flask at / (same origin as /api/v1). Pages are split per route (React.lazy in src/routes.tsx),
// so a reporter's first load carries only the shell and the report page.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,  // the studio's DMN modeler (dmn-js) is one lazily loaded chunk of ~830 kB
    manifest: true,  // bench/web_weight.py reads which chunks each page loads
  },
});
