// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// The generated transform only matches .js/.ts; d3's ESM builds ship as .mjs.
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  // The Python virtualenv, chdb's install and the demo's data hold package.json
  // files that jest's module map would otherwise crawl and report as collisions.
  // Component tests render @grafana/ui forms; on a busy 2-core CI machine a
  // few take longer than jest's 5 s default.
  testTimeout: 20000,
  modulePathIgnorePatterns: ['<rootDir>/.venv/', '<rootDir>/.cache/', '<rootDir>/.demo/', '<rootDir>/build/'],
  transform: {
    ...base.transform,
    '^.+\\.mjs$': swcTransform,
  },
  // d3's own packages (d3-scale, d3-array, ...) and internmap are ESM only too.
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, 'd3-[a-z-]+', 'internmap'])],
};
