import { describe } from 'vitest';
import { PLATFORM_MODULES } from '../../src/app/platforms.js';
import { platformConformance } from './platform.case.js';
import { toyModule } from './toy/toy-module.js';

// Every registered platform, and the toy one a test registers, passes the same suite.
for (const module of [...PLATFORM_MODULES, toyModule]) {
  describe(`platform ${module.name} conformance`, () => platformConformance(module));
}
