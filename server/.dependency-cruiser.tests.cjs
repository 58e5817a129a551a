/** Tests too: no import cycle between files. (The layer rules in .dependency-cruiser.cjs cover production code.) */
const main = require('./.dependency-cruiser.cjs');

module.exports = {
  forbidden: main.forbidden.filter((rule) => rule.name === 'no-circular'),
  options: { ...main.options, exclude: { path: ['(^|/)dist/', '^bench/'] } },
};
