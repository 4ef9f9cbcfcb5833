/** How a backend opens its catalog. */
export interface OpenCatalogOptions {
  /** Bring the schema to the newest version on open (default true); `chatlake migrate` opens without. */
  migrate?: boolean;
}
