import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const OUT_DIR = join(import.meta.dirname, '..', 'dist', 'web');

/**
 * Prints what a browser downloads for the page, in all and gzipped: the figure to keep lean
 * (Vite lists each file; this adds the total).
 */
function shippedSize(): Plugin {
  return {
    name: 'fleethub-shipped-size',
    apply: 'build',
    writeBundle(_options, bundle) {
      let raw = 0;
      let gzip = 0;
      for (const fileName of Object.keys(bundle)) {
        const bytes = readFileSync(join(OUT_DIR, fileName));
        raw += bytes.length;
        gzip += gzipSync(bytes, { level: 9 }).length;
      }
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
      console.log(`dashboard: ${Object.keys(bundle).length} files, ${kb(raw)}, gzip ${kb(gzip)}`);
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // No public folder: everything shipped goes through the bundle (and gets a hashed name).
  publicDir: false,
  logLevel: 'warn',
  plugins: [shippedSize()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Leaflet's marker images are inlined rather than fetched; the page draws no image markers.
    assetsInlineLimit: 8192,
  },
});
