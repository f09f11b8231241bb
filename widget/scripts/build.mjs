// Builds dist/widget.js (one minified file, no runtime dependencies) and dist/demo.html
// (the local demo organization's embed), and prints the sizes.

import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src/main.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: join(dist, 'widget.js'),
  legalComments: 'none',
});
writeFileSync(join(dist, 'demo.html'), readFileSync(join(root, 'src/demo.html')));

const js = readFileSync(join(dist, 'widget.js'));
const gz = gzipSync(js, { level: 9 }).length;
console.log(`widget.js: ${js.length} bytes raw, ${gz} bytes gzipped`);
if (gz > 15 * 1024) {
  console.error('widget.js is over the 15 KB gzipped budget');
  process.exit(1);
}
