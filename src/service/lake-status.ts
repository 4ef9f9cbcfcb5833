import type { HotRecordStore } from '../catalog/ports/hot-record-store.js';
import type { HotSummary } from '../catalog/service-catalog.js';

/** What the operations routes report of the lake: the hot tier's size (readiness, metrics). */
export class LakeStatus {
  constructor(private readonly hot: Pick<HotRecordStore, 'hotSummary'>) {}

  /** Rows and bytes in the hot tier; rejects while the catalog is not reachable. */
  hotSummary(): Promise<HotSummary> {
    return this.hot.hotSummary();
  }
}
