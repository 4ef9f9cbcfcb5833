import type {
  Checkpoint,
  NewQualityMetric,
  QualityMetricRow,
  SourceRow,
  TaskRow,
  TaskStatus,
} from '../catalog.js';

/** Ingest sources and their checkpoints; tasks (runs) and their quality metrics. */
export interface SourceTaskStore {
  source(uri: string, kind: string, platform: string): Promise<SourceRow>;
  /** Sources by id (the ones a file's lineage names). */
  sourcesById(ids: readonly number[]): Promise<SourceRow[]>;
  checkpoint(sourceId: number): Promise<Checkpoint | null>;

  startTask(kind: string, args: unknown): Promise<number>;
  finishTask(id: number, status: TaskStatus, counts: unknown, error?: string | null): Promise<void>;
  tasks(limit: number, kind?: string): Promise<TaskRow[]>;
  /** Marks tasks still "running" whose process is gone (a crash) as interrupted. */
  interruptStaleTasks(olderThan: number): Promise<number>;
  qualityMetrics(taskId: number): Promise<QualityMetricRow[]>;
}

export interface SourceTaskWriter {
  saveCheckpoint(cp: Checkpoint): Promise<void>;
  /** Drops the checkpoints of these sources: their next ingest reads them from the start. */
  removeCheckpoints(sourceIds: readonly number[]): Promise<void>;
  addQualityMetrics(rows: readonly NewQualityMetric[]): Promise<void>;
}
