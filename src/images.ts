/**
 * Extensions each PostgreSQL image flavour offers, so `new-app --extensions` can refuse what the
 * cluster's image cannot create. Flavours are those of cloudnative-pg/postgres-containers
 * (`<major>[.<minor>]-<flavour>-<distro>`; a bare `<major>.<minor>` tag is the legacy full image).
 */
const CONTRIB = [
  'amcheck', 'autoinc', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dblink', 'dict_int', 'dict_xsyn',
  'earthdistance', 'file_fdw', 'fuzzystrmatch', 'hstore', 'insert_username', 'intagg', 'intarray', 'isn', 'lo', 'ltree',
  'moddatetime', 'pageinspect', 'pg_buffercache', 'pg_freespacemap', 'pg_prewarm', 'pg_stat_statements', 'pg_surgery',
  'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'pgrowlocks', 'pgstattuple', 'plpgsql', 'postgres_fdw',
  'refint', 'seg', 'sslinfo', 'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp',
];

/** Extensions the `standard` and `system` flavours add to contrib. */
const STANDARD_EXTRAS = ['vector', 'pgaudit', 'pg_failover_slots'];
const POSTGIS = ['postgis', 'postgis_raster', 'postgis_topology', 'postgis_sfcgal', 'postgis_tiger_geocoder', 'address_standardizer', 'address_standardizer_data_us'];

/** An image reference's parts: `name[:tag][@digest]`; a registry port (`host:5000/`) is part of the name. */
export interface ImageParts {
  name: string;
  tag?: string;
  digest?: string;
}

export function splitImageRef(ref: string): ImageParts {
  const at = ref.indexOf('@');
  const rest = at < 0 ? ref : ref.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const parts: ImageParts = colon > rest.lastIndexOf('/') ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1) } : { name: rest };
  if (at >= 0) parts.digest = ref.slice(at + 1);
  return parts;
}

export type ImageFlavour = 'minimal' | 'standard' | 'system' | 'postgis';

export function imageFlavour(image: string): ImageFlavour | undefined {
  // The tag names the flavour; a digest pinned after it changes nothing.
  const { name, tag } = splitImageRef(image);
  const m = /^ghcr\.io\/cloudnative-pg\/(postgresql|postgis)$/.exec(name);
  if (!m || !tag) return undefined;
  if (m[1] === 'postgis') return 'postgis';
  if (/-minimal-/.test(tag)) return 'minimal';
  if (/-standard-/.test(tag)) return 'standard';
  if (/-system-/.test(tag)) return 'system';
  if (/^\d+(\.\d+)*(-\d+)?$/.test(tag)) return 'system'; // legacy tags: the full image, barman-cloud included
  return undefined;
}

/** Whether the in-tree `barmanObjectStore` can work: it needs barman-cloud inside the image. */
export const hasBarmanCloud = (image: string): boolean => imageFlavour(image) === 'system';

/** The extensions an image offers; undefined for an image this table does not know. */
export function imageExtensions(image: string): string[] | undefined {
  switch (imageFlavour(image)) {
    case 'minimal':
      return CONTRIB;
    case 'standard':
    case 'system':
      return [...CONTRIB, ...STANDARD_EXTRAS];
    case 'postgis':
      return [...CONTRIB, ...STANDARD_EXTRAS, ...POSTGIS];
    default:
      return undefined;
  }
}

/** The image's PostgreSQL major version, for `pg_dump` compatibility notes. */
export const imageMajor = (image: string): string | undefined => /^(\d+)/.exec(splitImageRef(image).tag ?? '')?.[1];
