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

/**
 * Extensions mounted from an image of their own by Kubernetes ImageVolume
 * (`Cluster.spec.postgresql.extensions`, CNPG >= 1.27; every chart the tool knows ships one).
 * They need PostgreSQL 18 (extension_control_path) and Kubernetes 1.35, where the ImageVolume
 * feature is on by default (1.33 and 1.34 need its feature gate), with containerd >= 2.1 or
 * CRI-O >= 1.31 (cloudnative-pg v1.30.0 docs/src/imagevolume_extensions.md, "Requirements").
 * An extension image's libraries are built for one PostgreSQL major and one distribution, so each
 * entry pins an image per `<major>-<os>` of the cluster's image; a pair not listed is refused.
 */
export interface VolumeExtension {
  /** `extensions[].name` of the Cluster (mounted at /extensions/<name>). */
  name: string;
  /** The names it lets `CREATE EXTENSION` create; the first is created at the pinned version. */
  provides: readonly string[];
  /** The first one's SQL version in the pinned images (`Database.spec.extensions[].version`). */
  version: string;
  /**
   * How an image tag of this extension names its SQL version (group 1), so a tag Renovate moved
   * (the answer extensionImages) creates the extension at its own version.
   */
  tagVersion: RegExp;
  /** Renovate's versioning for these tags where docker's cannot read them (`pg18-v0.5.3`). */
  renovateVersioning?: string;
  /** Extensions that must exist first: CNPG creates each without CASCADE (database_controller_sql.go). */
  requires: readonly string[];
  /** Libraries for `spec.postgresql.shared_preload_libraries` (never `parameters`: a fixed parameter there is refused). */
  preload: readonly string[];
  /** Paths inside the image where they differ from CNPG's defaults (`/share`, `/lib`; none for ld). */
  paths: { extension_control_path?: readonly string[]; dynamic_library_path?: readonly string[]; ld_library_path?: readonly string[] };
  /** Image by `<major>-<os>` of the cluster's image. */
  images: Readonly<Record<string, string>>;
}

export const VOLUME_EXTENSIONS: readonly VolumeExtension[] = [
  {
    // cloudnative-pg/postgres-extensions-containers pgvector/metadata.hcl (079bc9e): 0.8.6 for 18 on
    // bookworm and trixie; tags `<version>-<major>-<os>` (docker-bake.hcl).
    name: 'pgvector',
    provides: ['vector'],
    version: '0.8.6',
    tagVersion: /^(\d+\.\d+\.\d+)-\d+-[a-z]+$/,
    requires: [],
    preload: [],
    paths: {},
    images: { '18-bookworm': 'ghcr.io/cloudnative-pg/pgvector:0.8.6-18-bookworm', '18-trixie': 'ghcr.io/cloudnative-pg/pgvector:0.8.6-18-trixie' },
  },
  {
    // postgis/metadata.hcl (079bc9e): 3.6.4, `ld_library_path: [system]` for GEOS, PROJ and GDAL
    // shipped inside the image; image name postgis-extension.
    name: 'postgis',
    provides: ['postgis', 'postgis_raster', 'postgis_sfcgal', 'postgis_topology', 'postgis_tiger_geocoder', 'address_standardizer', 'address_standardizer_data_us'],
    version: '3.6.4',
    tagVersion: /^(\d+\.\d+\.\d+)-\d+-[a-z]+$/,
    requires: [],
    preload: [],
    paths: { ld_library_path: ['system'] },
    images: { '18-bookworm': 'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-bookworm', '18-trixie': 'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-trixie' },
  },
  {
    // VectorChord for Immich (its server accepts vchord >=0.3 <2, constants.ts). tensorchord/VectorChord-images
    // vchord-scratch/Dockerfile and release_vchord_scratch.yml (4ba6702): the Debian package unpacked from a
    // postgres:<major>-bookworm build, so bookworm only, in the package's own layout; it needs pgvector's
    // `vector` and must be preloaded.
    name: 'vchord',
    provides: ['vchord'],
    version: '0.5.3',
    tagVersion: /^pg\d+-v(\d+\.\d+\.\d+)$/,
    renovateVersioning: 'regex:^pg18-v(?<major>\\d+)\\.(?<minor>\\d+)\\.(?<patch>\\d+)$',
    requires: ['vector'],
    preload: ['vchord'],
    paths: { extension_control_path: ['/usr/share/postgresql/18'], dynamic_library_path: ['/usr/lib/postgresql/18/lib'] },
    images: { '18-bookworm': 'ghcr.io/tensorchord/vchord-scratch:pg18-v0.5.3' },
  },
];

/** The Debian release of a cloudnative-pg image tag (`18.1-standard-trixie` -> trixie). */
export const imageOs = (image: string): string | undefined => /:[^@]*-(bullseye|bookworm|trixie)(@|$)/.exec(image)?.[1];

/**
 * Why the cluster's image cannot mount extension `name`, or its image reference and SQL version:
 * the recorded one (`given`, the answer extensionImages: the table's repository, a tag Renovate may
 * have moved), else the table's.
 */
export function volumeExtensionImage(name: string, clusterImage: string, given?: string): { image: string; version: string; ext: VolumeExtension } | { problem: string } {
  const ext = VOLUME_EXTENSIONS.find((e) => e.name === name);
  if (!ext) return { problem: `"${name}" is not in the tool's table of extension images (${VOLUME_EXTENSIONS.map((e) => e.name).join(', ')})` };
  const major = imageMajor(clusterImage);
  const os = imageOs(clusterImage);
  if (!major || !os) return { problem: `"${name}": the image ${clusterImage} names no PostgreSQL major and Debian release (<major>...-<os> tag) to match an extension image to` };
  if (Number(major) < 18) return { problem: `"${name}": ImageVolume extensions need PostgreSQL 18 or later (extension_control_path); the image ${clusterImage} is ${major}` };
  const table = ext.images[`${major}-${os}`];
  if (!table) return { problem: `"${name}" has no image for PostgreSQL ${major} on ${os} in the tool's table (it has ${Object.keys(ext.images).join(', ')})` };
  const image = given ?? table;
  const { name: repository, tag } = splitImageRef(image);
  const want = splitImageRef(table);
  if (repository !== want.name) return { problem: `"${name}": its image must come from ${want.name}, built for PostgreSQL ${major} on ${os} (got ${image})` };
  const version = ext.tagVersion.exec(tag ?? '')?.[1];
  // The same major and OS: the tag's suffix is the table's (Renovate keeps it; docker versioning treats it as the variant).
  const suffix = (t: string | undefined) => (t ?? '').replace(ext.tagVersion, (m, v: string) => m.replace(v, ''));
  if (!version || suffix(tag) !== suffix(want.tag)) return { problem: `"${name}": its image tag must be like ${want.tag} (an extension version for PostgreSQL ${major} on ${os}; got ${image})` };
  return { image, version, ext };
}
