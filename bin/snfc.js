#!/usr/bin/env node
// The `snfc` command: the CLI bundled into dist/cli/ (scripts/build-cli.mjs, run by `npm install`).
import '../dist/cli/main.js';
