import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `test` every few ms until it holds or `ms` pass; whether it held. */
export async function waitFor(test: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (test()) return true;
    await sleep(2);
  }
  return test();
}
