// Bundles the demo (TypeScript) into build/demo/demo.mjs (the command line)
// and build/demo/index.mjs (the library the tests import), for Node 20.
// chdb (a native module, optional) stays outside the bundle.
//   node demo/build.mjs
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'build', 'demo');

await build({
  entryPoints: { demo: join(here, 'cli.ts'), index: join(here, 'index.ts') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  external: ['chdb'],
  // Honour NODE_PATH as Node does (packages installed outside node_modules).
  nodePaths: process.env.NODE_PATH ? process.env.NODE_PATH.split(':').filter(Boolean) : [],
  // Some OpenTelemetry and prom-client modules are CommonJS and call require().
  banner: {
    js: "import { createRequire as __demoCreateRequire } from 'node:module'; const require = __demoCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
console.log(`demo: bundled into ${out}`);
