#!/usr/bin/env node
// The `spruce` CLI. Host code is TypeScript run through tsx, so there is no separate host build step.
import { register } from 'tsx/esm/api';

register();
// `spruce ... | head` closes our stdout early: that is the reader's choice, not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
const { main } = await import('../host/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
