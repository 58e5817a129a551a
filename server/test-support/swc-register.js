// Lets a child process that a test spawns load the TypeScript sources, compiled as jest compiles them:
// `node -r test-support/swc-register.js some-entry.ts`.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
const options = { swcrc: false, ...require('../../jest.swc.js') };
require.extensions['.ts'] = (module, filename) => {
  module._compile(transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
};
