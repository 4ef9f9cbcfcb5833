#!/usr/bin/env node
// The package's bin: loads the TypeScript CLI through tsx, so the source is the only build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
