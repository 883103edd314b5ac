#!/usr/bin/env node
'use strict';
// The compiled CLI; `npm run build` produces it.
const { buildProgram } = require('../dist/src/cli/main.js');
buildProgram()
  .parseAsync(process.argv)
  .catch((err) => {
    console.error(`sluice: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
