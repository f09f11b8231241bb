// Builds dist/widget.js (one minified file, no runtime dependencies), its content-hashed
// copy dist/widget.<hash>.js, and dist/demo.html (the local demo organization's embed),
// and prints the sizes.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
// The versioned copy, cached for a year behind CloudFront (widget.js itself for minutes).
for (const f of readdirSync(dist)) if (/^widget\.[0-9a-f]{10}\.js$/.test(f)) rmSync(join(dist, f));
const versioned = `widget.${createHash('sha256').update(js).digest('hex').slice(0, 10)}.js`;
writeFileSync(join(dist, versioned), js);
const gz = gzipSync(js, { level: 9 }).length;
console.log(`widget.js (and ${versioned}): ${js.length} bytes raw, ${gz} bytes gzipped`);
if (gz > 15 * 1024) {
  console.error('widget.js is over the 15 KB gzipped budget');
  process.exit(1);
}
