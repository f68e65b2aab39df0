#!/usr/bin/env node
/**
 * Browser harness server: serves the harness page, a bundle of Grafana's
 * shared modules from the real npm packages, the built dist/ and fixtures.
 *
 *   npm run harness -- --port P --fixtures DIR [--dist DIR] [--backend URL]
 *
 * With --backend, requests to /api/* are proxied to URL (for example the
 * tests/bridge program, which answers them with the real plugin binary), so
 * pages opened with backend=proxy talk to a real backend.
 *
 * The server listens on 127.0.0.1 only. It prints "harness listening on URL"
 * once ready, and stops on SIGINT/SIGTERM.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const uiPublicImg = join(repo, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img');
const fontsource = join(repo, 'node_modules', '@fontsource');
const inter = (weight, style) => join(fontsource, 'inter', 'files', `inter-latin-${weight}-${style}.woff2`);
const FONTS = {
  'inter/Inter-Regular.woff2': inter(400, 'normal'),
  'inter/Inter-Medium.woff2': inter(500, 'normal'),
  'inter/Inter-Italic.woff2': inter(400, 'italic'),
  'inter/Inter-MediumItalic.woff2': inter(500, 'italic'),
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css',
  '.md': 'text/markdown',
  '.woff2': 'font/woff2',
};

/** Builds (or reuses) the page bundle; the cache key covers the lockfile and page source. */
export async function buildBundle() {
  const hash = createHash('sha256')
    .update(readFileSync(join(repo, 'package-lock.json')))
    .update(readFileSync(join(here, 'page.tsx')))
    .update(readFileSync(join(here, 'dashboard.tsx')))
    .digest('hex')
    .slice(0, 16);
  const outDir = join(here, 'vendor');
  const out = join(outDir, `harness-${hash}.js`);
  if (existsSync(out)) {
    return out;
  }
  mkdirSync(outDir, { recursive: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(here, 'page.tsx')],
    bundle: true,
    outfile: out,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    sourcemap: false,
    minify: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.png': 'empty' },
  });
  return out;
}

/** Lists every plugin in dist with its id, type and module URL. */
function listPlugins(distDir) {
  const plugins = [];
  const walk = (dir) => {
    for (const name of readdirSafe(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (name === 'plugin.json' && existsSync(join(dir, 'module.js'))) {
        const meta = JSON.parse(readFileSync(p, 'utf8'));
        const rel = relative(distDir, dir).split(sep).filter(Boolean).join('/');
        plugins.push({ id: meta.id, type: meta.type, module: `/dist/${rel ? rel + '/' : ''}module.js` });
      }
    }
  };
  walk(distDir);
  return plugins;
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}


const SPINNER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';

const PAGE = (bundleUrl) => `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>mlwatch harness</title>
<style>html,body{margin:0;padding:0;font-family:Inter,Helvetica,Arial,sans-serif}#root{position:relative;overflow:hidden}</style>
<link rel="stylesheet" href="/harness/bundle.css">
<script>
  // @grafana/runtime reads this when it loads, before any plugin code.
  (function () {
    var theme = new URLSearchParams(location.search).get('theme') === 'light' ? 'light' : 'dark';
    window.grafanaBootData = {
      assets: { dark: '', light: '' },
      navTree: [],
      user: { theme: theme, lightTheme: theme === 'light', orgId: 1, orgRole: 'Admin', isSignedIn: true, timezone: 'utc' },
      settings: { buildInfo: { version: '13.1.0', edition: 'Open Source' }, featureToggles: {}, datasources: {}, panels: {}, apps: {}, theme2: undefined },
    };
  })();
</script>
</head>
<body>
<div id="root"></div>
<script src="${bundleUrl}"></script>
</body>
</html>`;

/** Resolves a URL path under base, refusing anything that escapes it. */
function safeJoin(base, urlPath) {
  const p = normalize(join(base, decodeURIComponent(urlPath)));
  if (p !== base && !p.startsWith(base + sep)) {
    return null;
  }
  return p;
}

/** Forwards one request to the backend and streams the answer back. */
function proxyTo(backend, req, res) {
  const target = new URL(req.url ?? '/', backend);
  const headers = { ...req.headers, host: target.host };
  const upstream = httpRequest(target, { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (e) => {
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `harness proxy: ${backend} did not answer: ${e.message}` }));
  });
  req.pipe(upstream);
}

export async function startHarness({ port = 0, fixtures, dist = join(repo, 'dist'), backend }) {
  const bundle = await buildBundle();
  const fixturesDir = fixtures ? resolve(fixtures) : null;
  const distDir = resolve(dist);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    try {
      if (backend && url.pathname.startsWith('/api/')) {
        return proxyTo(backend, req, res);
      }
      if (url.pathname === '/' || url.pathname === '/index.html') {
        return send(200, TYPES['.html'], PAGE('/harness/bundle.js'));
      }
      if (url.pathname === '/harness/bundle.js') {
        return send(200, TYPES['.js'], await readFile(bundle));
      }
      if (url.pathname === '/harness/bundle.css') {
        const css = bundle.replace(/\.js$/, '.css');
        return send(200, TYPES['.css'], existsSync(css) ? await readFile(css) : '');
      }
      if (url.pathname === '/harness/plugins.json') {
        return send(200, TYPES['.json'], JSON.stringify(listPlugins(distDir)));
      }
      if (url.pathname === '/favicon.ico') {
        return send(204, 'image/x-icon', '');
      }
      if (url.pathname === '/public/build/img/icons/unicons/spinner.svg') {
        // Grafana ships this icon itself; @grafana/ui's package does not.
        return send(200, TYPES['.svg'], SPINNER_SVG);
      }
      let file = null;
      if (url.pathname.startsWith('/public/fonts/')) {
        // Grafana ships Inter and Roboto Mono itself; the same fonts come from
        // @fontsource here.
        file = FONTS[url.pathname.slice('/public/fonts/'.length)] ?? null;
        if (!file && url.pathname.startsWith('/public/fonts/roboto/')) {
          file = join(fontsource, 'roboto-mono', 'files', 'roboto-mono-latin-400-normal.woff2');
        }
      } else if (url.pathname.startsWith('/public/build/img/')) {
        // Grafana serves @grafana/ui's icons from here.
        file = safeJoin(uiPublicImg, url.pathname.slice('/public/build/img/'.length));
      } else if (url.pathname.startsWith('/static/')) {
        // Plain pages for benchmarks (e.g. the bare-canvas floor).
        file = safeJoin(join(here, 'static'), url.pathname.slice('/static/'.length));
      } else if (url.pathname.startsWith('/dist/')) {
        file = safeJoin(distDir, url.pathname.slice('/dist/'.length));
      } else if (url.pathname.startsWith('/fixtures/') && fixturesDir) {
        file = safeJoin(fixturesDir, url.pathname.slice('/fixtures/'.length));
      }
      if (!file || !existsSync(file) || !statSync(file).isFile()) {
        return send(404, 'text/plain', `not found: ${url.pathname}`);
      }
      return send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch (e) {
      return send(500, 'text/plain', String(e?.stack ?? e));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address();
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((ok) => server.close(ok)) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, fixtures: { type: 'string' }, dist: { type: 'string' }, backend: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`harness: --port must be a port number, got "${values.port}"`);
    process.exit(2);
  }
  if (values.fixtures && !existsSync(values.fixtures)) {
    console.error(`harness: fixtures folder "${values.fixtures}" does not exist`);
    process.exit(2);
  }
  if (values.backend && !/^https?:\/\//.test(values.backend)) {
    console.error(`harness: --backend must be an http:// URL, got "${values.backend}"`);
    process.exit(2);
  }
  const h = await startHarness({ port, fixtures: values.fixtures, dist: values.dist, backend: values.backend });
  console.log(`harness listening on ${h.url}`);
  const stop = async () => {
    await h.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
