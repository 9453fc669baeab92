#!/usr/bin/env node
// The `spruce` CLI. Host code is TypeScript run through tsx, so there is no separate host build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../host/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
