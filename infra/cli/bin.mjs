#!/usr/bin/env node
// Runs the TypeScript CLI without a build step, the same way `npm start` runs the local runtime.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
