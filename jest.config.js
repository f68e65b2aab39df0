// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

// The generated transform only matches .js/.ts; d3's ESM builds ship as .mjs.
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  // The Python virtualenv, chdb's install and the demo's data hold package.json
  // files that jest's module map would otherwise crawl and report as collisions.
  modulePathIgnorePatterns: ['<rootDir>/.venv/', '<rootDir>/.cache/', '<rootDir>/.demo/', '<rootDir>/build/'],
  transform: {
    ...base.transform,
    '^.+\\.mjs$': swcTransform,
  },
};
