import type { Catalog } from '../catalog/catalog.js';
import type { PlatformOptionValue, ResolvedConfig } from '../config/resolved-config.js';
import { ChatlakeError } from '../core/errors.js';
import { LocalDay } from '../core/local-day.js';
import { platformOptionDeclarations } from './platforms.js';

/**
 * The configuration as the lake keeps it: the settings that must stay the same from run to run are saved in
 * the catalog the first time they are given, and used when a later run does not give them. Only writers save
 * them (`save`, default true): a read (query, stats, …) uses what it is given for that run alone.
 */
export async function lakeSettings(
  catalog: Catalog,
  asked: ResolvedConfig,
  options: { save?: boolean } = {},
): Promise<ResolvedConfig> {
  const save = options.save !== false;
  return Object.freeze({
    ...asked,
    timeZone: await lakeTimeZone(catalog, asked, save),
    platformOptions: Object.freeze(await platformOptions(catalog, asked, save)),
  });
}

/** The platforms' options, each as `platformOption` settles it: the declared ones and any the config holds. */
async function platformOptions(
  catalog: Catalog,
  asked: ResolvedConfig,
  save: boolean,
): Promise<Record<string, PlatformOptionValue>> {
  const settings = new Set([
    ...platformOptionDeclarations().map((o) => o.setting),
    ...Object.keys(asked.platformOptions),
  ]);
  const out: Record<string, PlatformOptionValue> = {};
  for (const setting of settings) {
    const given = asked.platformOptions[setting] ?? { value: [], from: null };
    out[setting] = Object.freeze({
      ...given,
      value: Object.freeze(await platformOption(catalog, setting, given, save)),
    });
  }
  return out;
}

/**
 * A platform option (e.g. the account's own ids, which decide how a message the account sent is filed): a
 * service started without it must not decode differently from the ingest that had it, so the list last given
 * (flag or env; an empty list clears it) is saved under the option's setting name and used when none is given.
 */
async function platformOption(
  catalog: Catalog,
  setting: string,
  given: PlatformOptionValue,
  save: boolean,
): Promise<readonly string[]> {
  const saved = await catalog.setting(setting);
  if (given.from === null) return saved === null ? [] : (JSON.parse(saved) as string[]);
  const value = JSON.stringify(given.value);
  if (save && value !== saved) await catalog.write((tx) => tx.saveSetting(setting, value));
  return given.value;
}

/**
 * The time zone the lake's days are cut in. Partitions, and the partition ranges reads prune by, are local
 * days: a lake written in one zone and read in another would skip files that hold matching rows. So a zone
 * asked for (--tz, CHATLAKE_TZ) is saved in the catalog, later runs use it without being told, and asking for
 * another one is an error while the lake holds data; an empty lake takes any zone asked for. A lake from before
 * zones were saved, holding data, is checked instead: every file's times must fall in its partition's day in
 * the zone (the one asked for, then saved, or UTC, not saved: such a lake may also fit the zone it was written
 * in). Hot rows are not checked: a service compacts them all when it stops.
 */
async function lakeTimeZone(catalog: Catalog, config: ResolvedConfig, save: boolean): Promise<string> {
  const asked = config.timeZone;
  const saved = await catalog.setting('timeZone');
  if (saved === asked || (saved !== null && config.timeZoneFrom === null)) return saved;
  const empty = (await catalog.hotSummary()).rows === 0 && (await catalog.partitions()).length === 0;
  if (!empty && saved !== null) {
    throw new ChatlakeError(
      'config',
      `this lake cuts its days in ${saved} (saved when it got its first data); ${config.timeZoneFrom} asks for ${asked}`,
      `leave ${config.timeZoneFrom} out (the lake uses its own zone), or use another data directory for a lake in ${asked}`,
    );
  }
  if (!empty) {
    const day = new LocalDay(asked);
    const misfit = (await catalog.dataFiles()).find(
      (f) => day.dayOf(f.minTime) !== f.partition || day.dayOf(f.maxTime) !== f.partition,
    );
    if (misfit) {
      throw new ChatlakeError(
        'config',
        `this lake's days are not ${asked} days: ${misfit.path}, of the day ${misfit.partition}, holds times ` +
          `of ${day.dayOf(misfit.minTime)} to ${day.dayOf(misfit.maxTime)} in ${asked}`,
        `give the zone the lake was written in with --tz (it is saved with the lake then)`,
      );
    }
  }
  if (save && config.timeZoneFrom !== null) await catalog.write((tx) => tx.saveSetting('timeZone', asked));
  return asked;
}
