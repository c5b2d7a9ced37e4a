import { VOLUME_EXTENSIONS, splitImageRef } from './images.js';
import { OPERATOR_CHART_URL, OPERATOR_HELM_REPOSITORY_URL, PLUGIN_CHART_URL } from './versions.js';

/**
 * Every version the generated tree takes from the recorded answers, as Renovate's regex manager
 * reads it: the answers serializer (src/records.ts) writes `# renovate: ...` on the line above
 * each, the preset (renovate/cnpg-scaffold.json) holds the regex, and Renovate edits the value
 * after the comment; `regen` then renders the tree from it. Derived from the answers alone, so
 * the comments are the same every time the same answers are written (`regen --check` stays quiet).
 *
 * Not a pin: `operatorDefaultImage` (what a new cluster's imageName defaults to; no file holds it).
 */
export interface Pin {
  /** The answer holding it; `extensionImages.<name>` for an entry of that map. */
  key: string;
  datasource: 'docker' | 'helm';
  depName: string;
  registryUrl?: string;
  /** Renovate's versioning, where its default for the datasource cannot read the tags. */
  versioning?: string;
  currentValue: string;
  currentDigest?: string;
}

export type RecordKind = 'repo' | 'cluster' | 'app';

/** Docker repositories of the operator and plugin images (their tags are the versions: 1.30.0, v0.14.0). */
export const OPERATOR_IMAGE = 'ghcr.io/cloudnative-pg/cloudnative-pg';
export const PLUGIN_IMAGE = 'ghcr.io/cloudnative-pg/plugin-barman-cloud';

/**
 * A chart as the tree fetches it: Flux's ks layout through an OCIRepository (Renovate reads an OCI
 * chart with the docker datasource, the name without `oci://`), the flat layout and Argo CD's
 * wrapper chart from CNPG's HTTP index (the helm datasource with that registry).
 */
function chartPin(key: string, answers: Record<string, unknown>, ociUrl: string, name: string): Pin | undefined {
  const version = answers[key];
  if (typeof version !== 'string') return undefined;
  const oci = (answers.delivery ?? 'flux') === 'flux' && (answers.fluxLayout ?? 'ks') === 'ks';
  return oci
    ? { key, datasource: 'docker', depName: ociUrl.replace(/^oci:\/\//, ''), currentValue: version }
    : { key, datasource: 'helm', depName: name, registryUrl: OPERATOR_HELM_REPOSITORY_URL, currentValue: version };
}

/** A version that is an image's tag. */
function tagPin(key: string, answers: Record<string, unknown>, image: string): Pin | undefined {
  const version = answers[key];
  return typeof version === 'string' && version ? { key, datasource: 'docker', depName: image, currentValue: version } : undefined;
}

/** An image answer with a tag (a digest alone names no version to move; "" is the chart's own image). */
function imagePin(key: string, answers: Record<string, unknown>, ref: unknown = answers[key]): Pin | undefined {
  if (typeof ref !== 'string' || !ref) return undefined;
  const { name, tag, digest } = splitImageRef(ref);
  if (!tag) return undefined;
  return { key, datasource: 'docker', depName: name, currentValue: tag, ...(digest ? { currentDigest: digest } : {}) };
}

/** Each mounted extension's image (the cluster answer extensionImages), with the versioning its tags need. */
function extensionPins(answers: Record<string, unknown>): (Pin | undefined)[] {
  const images = answers.extensionImages;
  if (!images || typeof images !== 'object' || Array.isArray(images)) return [];
  return Object.entries(images as Record<string, unknown>).map(([name, ref]) => {
    const pin = imagePin(`extensionImages.${name}`, answers, ref);
    const versioning = VOLUME_EXTENSIONS.find((e) => e.name === name)?.renovateVersioning;
    return pin && versioning ? { ...pin, versioning } : pin;
  });
}

/** The pins of one record's answers, in the record's key order. */
export function pinsOf(kind: RecordKind, answers: Record<string, unknown>): Pin[] {
  const pins =
    kind === 'repo'
      ? [
          chartPin('chartVersion', answers, OPERATOR_CHART_URL, 'cloudnative-pg'),
          tagPin('operatorVersion', answers, OPERATOR_IMAGE),
          chartPin('pluginChartVersion', answers, PLUGIN_CHART_URL, 'plugin-barman-cloud'),
          tagPin('pluginVersion', answers, PLUGIN_IMAGE),
          imagePin('operatorImage', answers),
          imagePin('pluginImage', answers),
          imagePin('pluginSidecarImage', answers),
        ]
      : kind === 'cluster'
        ? [imagePin('imageName', answers), imagePin('psqlImage', answers), ...extensionPins(answers)]
        : [];
  return pins.filter((p): p is Pin => p !== undefined);
}

/** The comment line Renovate's regex manager reads above a pin (without `# `). */
export const pinComment = (p: Pin): string =>
  `renovate: datasource=${p.datasource} depName=${p.depName}${p.registryUrl ? ` registryUrl=${p.registryUrl}` : ''}${p.versioning ? ` versioning=${p.versioning}` : ''}`;

/**
 * The preset's regex: the comment, then the answer's line; the value is a version, or an image
 * reference whose tag (and digest) Renovate moves. No backreference or lookaround: Renovate runs
 * it with RE2 where that is built.
 */
export const PIN_MATCH_STRING =
  '# renovate: datasource=(?<datasource>\\S+) depName=(?<depName>\\S+)(?: registryUrl=(?<registryUrl>\\S+))?(?: versioning=(?<versioning>\\S+))?\\n\\s*[A-Za-z][\\w-]*: "?(?:[^\\s:@"/]+(?::\\d+)?(?:/[^\\s:@"/]+)*:)?(?<currentValue>[^\\s@"]+)(?:@(?<currentDigest>sha256:[a-f0-9]{64}))?"?\\n';
