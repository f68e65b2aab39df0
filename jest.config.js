// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

// The generated transform only matches .js/.ts; d3's ESM builds ship as .mjs.
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  transform: {
    ...base.transform,
    '^.+\\.mjs$': swcTransform,
  },
};
