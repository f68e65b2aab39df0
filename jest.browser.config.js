// Browser tests: Node-side jest tests that drive Debian's Chromium through
// playwright-core against the harness server.
const base = require('./.config/jest.config');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
  // The Python virtualenv, chdb's install and the demo's data hold package.json
  // files that jest's module map would otherwise crawl and report as collisions.
  modulePathIgnorePatterns: ['<rootDir>/.venv/', '<rootDir>/.cache/', '<rootDir>/.demo/', '<rootDir>/build/'],
  transform: base.transform,
  testTimeout: 120000,
};
