#!/usr/bin/env node
'use strict';
// The compiled CLI; `npm run build` produces dist/.
require('../dist/src/cli/main.js').run();
