import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import { type ConfigFlags, type ResolvedConfig, resolveConfig } from '../config/resolved-config.js';
import { ChatlakeError } from '../core/errors.js';
import { LocalDay } from '../core/local-day.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import type { PlatformAdapter } from '../platforms/platform-adapter.js';
import type { PlatformModule } from '../platforms/platform-module.js';
import type { PlatformRegistry } from '../platforms/platform-registry.js';
import type { QueryService } from '../query/query-service.js';
import { lakeSettings } from './lake-settings.js';
import { platformOptionDeclarations, platformRegistry } from './platforms.js';

// DuckDB, the catalog drivers and the query service are imported when first used, not with this module: a
// command loads only what it runs (`chatlake --help` loads none of them; `stats` no DuckDB). bench/startup.

/** Everything a command needs, wired once: the composition root. */
export interface Lake {
  readonly config: ResolvedConfig;
  readonly catalog: Catalog;
  readonly localDay: LocalDay;
  /** The platforms the lake reads, with its options for them. */
  readonly platforms: PlatformRegistry;
  /** The decoder of a platform (`platforms.decoder`). */
  adapter(platform: string): PlatformAdapter;
  /** DuckDB and the Parquet writer, opened on first use (read-only commands never pay for them). */
  duck(): Promise<DuckDBConnection>;
  writer(): Promise<LakeWriter>;
  /** The read side: filtered queries, get by id, export. */
  query(): Promise<QueryService>;
  close(): Promise<void>;
}

/**
 * Opens the lake of the configuration. With `readOnly` flags (a command that only reads), a data directory
 * without a lake is an error (not_found) and nothing is created there, and the settings given are not saved.
 */
export async function openLake(
  flags: ConfigFlags | ResolvedConfig = {},
  options: { platforms?: readonly PlatformModule[] } = {},
): Promise<Lake> {
  const asked =
    'catalogPath' in flags
      ? flags
      : resolveConfig(flags, undefined, platformOptionDeclarations(options.platforms));
  const readOnly = !('catalogPath' in flags) && flags.readOnly === true;
  if (readOnly && asked.databaseUrl === null && !existsSync(asked.catalogPath)) {
    throw new ChatlakeError(
      'not_found',
      `no lake in ${asked.dataDir} (no catalog.sqlite there)`,
      'check --data-dir (or CHATLAKE_DATA_DIR); a lake is made by chatlake ingest or chatlake serve',
    );
  }
  const { openCatalog } = await import('../catalog/open-catalog.js');
  const catalog = await openCatalog(asked);
  let config: ResolvedConfig;
  try {
    config = await lakeSettings(catalog, asked, { save: !readOnly });
  } catch (error) {
    await catalog.close();
    throw error;
  }
  let duck: Promise<DuckDBConnection> | null = null;
  let writer: Promise<LakeWriter> | null = null;
  let query: Promise<QueryService> | null = null;
  const platforms = platformRegistry(config, options.platforms);
  const lake: Lake = {
    config,
    catalog,
    localDay: new LocalDay(config.timeZone),
    platforms,
    adapter: (platform) => platforms.decoder(platform),
    duck() {
      duck ??= import('../lake/duckdb-engine.js').then(({ openDuckDB }) =>
        openDuckDB({
          memoryLimit: config.duckdbMemory,
          tempDir: join(config.dataDir, 'tmp', 'duckdb'),
        }),
      );
      return duck;
    },
    writer() {
      writer ??= Promise.all([lake.duck(), import('../lake/lake-writer.js')]).then(
        ([d, { LakeWriter }]) => new LakeWriter(d, config.lakeDir),
      );
      return writer;
    },
    query() {
      query ??= Promise.all([
        lake.duck(),
        import('../query/query-service.js'),
        import('../query/cursor-codec.js'),
      ]).then(
        ([d, { QueryService }, { CursorCodec }]) =>
          new QueryService(
            d,
            catalog,
            config.lakeDir,
            lake.localDay,
            CursorCodec.forDataDir(config.dataDir),
            platforms.modules.map((m) => m.name),
          ),
      );
      return query;
    },
    async close() {
      if (query) await (await query).idle();
      if (duck) (await duck).closeSync();
      await catalog.close();
    },
  };
  return lake;
}
