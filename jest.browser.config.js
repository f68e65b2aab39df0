// Browser tests: Node-side jest tests that drive Debian's Chromium through
// playwright-core against the harness server.
const base = require('./.config/jest.config');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
  transform: base.transform,
  testTimeout: 120000,
};
