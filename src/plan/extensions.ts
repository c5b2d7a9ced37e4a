import type { ClusterAnswers } from '../../schema/cluster.js';
import { imageExtensions, volumeExtensionImage, type VolumeExtension } from '../images.js';

/** The cluster's ImageVolume extensions with their images (the schema refused any without one). */
function mounted(c: ClusterAnswers): { image: string; version: string; ext: VolumeExtension }[] {
  return (c.imageVolumeExtensions ?? []).flatMap((n) => {
    const r = volumeExtensionImage(n, c.imageName, c.extensionImages?.[n]);
    return 'ext' in r ? [r] : [];
  });
}

/** `spec.postgresql.extensions` entries: name, image reference, and the paths that differ from CNPG's defaults. */
export const clusterExtensions = (c: ClusterAnswers) => mounted(c).map(({ image, ext }) => ({ name: ext.name, image: { reference: image }, ...ext.paths }));

/** `spec.postgresql.shared_preload_libraries` the mounted extensions need. */
export const preloadLibraries = (c: ClusterAnswers): string[] => [...new Set(mounted(c).flatMap(({ ext }) => ext.preload))];

/** Extensions `CREATE EXTENSION` can make on the cluster: the image's own, then the mounted ones'. */
export function offeredExtensions(c: ClusterAnswers): string[] | undefined {
  const own = imageExtensions(c.imageName) ?? (c.imageExtensions.length ? c.imageExtensions : undefined);
  const volume = mounted(c).flatMap(({ ext }) => [...ext.provides]);
  return own || volume.length ? [...(own ?? []), ...volume] : undefined;
}

/** A mounted extension's requirements and pinned version, by the SQL name an app creates. */
export function sqlExtension(c: ClusterAnswers, name: string): { version?: string; requires: readonly string[] } {
  const m = mounted(c).find(({ ext }) => ext.provides.includes(name));
  if (!m) return { requires: [] };
  return { requires: m.ext.requires, ...(m.ext.provides[0] === name ? { version: m.version } : {}) };
}
