// Runs the server from its TypeScript sources in a child process (crash tests that SIGKILL a real
// server): compiles .ts on require with the same SWC options as jest, and maps @arcgate/protocol to
// its sources as jest's moduleNameMapper does. Test only.
const { transformFileSync } = require('@swc/core');
const Module = require('node:module');
const { join } = require('node:path');
const options = require('../../jest.swc.js');

const PROTOCOL = join(__dirname, '..', '..', 'protocol', 'src', 'index.ts');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformFileSync(filename, { ...options, swcrc: false, filename });
  module._compile(code, filename);
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === '@arcgate/protocol' ? PROTOCOL : request, ...rest);
};
