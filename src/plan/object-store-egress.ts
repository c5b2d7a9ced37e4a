import type { ClusterAnswers } from '../../schema/cluster.js';

/*
 * Where the backup client (barman-cloud, boto3 inside) connects, as CiliumNetworkPolicy egress
 * rules for the instance pods (the plugin sidecar and the in-tree method both run there).
 *
 * - A custom endpoint is always addressed path-style: botocore forces path style whenever an
 *   endpoint_url is given and addressing_style is not "virtual" (boto/botocore
 *   botocore/args.py compute_endpoint_resolver_builtin_defaults), and barman sets no
 *   addressing style (EnterpriseDB/barman barman/cloud_providers/aws_s3.py). So the host
 *   is the endpoint's own.
 * - AWS without an endpoint is virtual-hosted: `<bucket>.s3.<region>.<dnsSuffix>`, or
 *   `<bucket>.s3.<dnsSuffix>` when the client's region is us-east-1 or unset (the legacy
 *   global endpoint, botocore args.py _should_force_s3_global); a bucket name that is not
 *   one DNS label (dots) is addressed path-style on `s3.<region>.<dnsSuffix>`
 *   (botocore/data/s3/2006-03-01/endpoint-rule-set-1.json). Cilium's `*` never crosses a
 *   dot (cilium/cilium Documentation/security/policy/language.rst, DNS Policy), so the
 *   names are emitted exactly.
 * - An in-cluster store (a Service name) is selected by its pods: Cilium documents toFQDNs
 *   for names outside the cluster and toServices only for Services without a selector
 *   (same page, "Services based"). Ports are left open to those pods: Cilium sees the pod's
 *   port after Service translation, and the URL only tells the Service's.
 */

export interface InClusterStore {
  service: string;
  namespace: string;
}

/**
 * A Service address: `svc` (the cluster's namespace) or `svc.ns.svc[.<cluster domain>]`; null for
 * other hosts. A two-label name is external: `nas.lan` or `minio.home` are hosts on the user's
 * network far more often than `svc.ns` short names, and reading one as a Service would select no
 * pod and cut the backups off (write `svc.ns.svc` for a Service in another namespace).
 */
export function inClusterStore(endpoint: string, clusterNamespace: string): InClusterStore | null {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return null;
  }
  if (isIp(host)) return null;
  const labels = host.split('.');
  if (labels.length === 1) return { service: labels[0]!, namespace: clusterNamespace };
  if (labels.length >= 3 && labels[2] === 'svc') return { service: labels[0]!, namespace: labels[1]! };
  return null;
}

/** The default pod labels of an in-cluster store: the recommended name label, set to the Service's name. */
export const defaultStoreLabels = (endpoint: string, clusterNamespace: string): Record<string, string> => {
  const store = inClusterStore(endpoint, clusterNamespace);
  return store ? { 'app.kubernetes.io/name': store.service } : {};
};

const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');

/** `s3://bucket/path` -> `bucket`. */
export const bucketOf = (destinationPath: string): string => destinationPath.replace(/^s3:\/\//, '').split('/')[0]!;

/** The S3 DNS suffix of a region's partition (China regions have their own). */
const dnsSuffix = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');

/**
 * One DNS label of 3-63 characters, as S3 needs for virtual-hosted addressing over HTTPS
 * (aws.isVirtualHostableS3Bucket without subdomains); a Flux `${VAR}` is trusted to be part of one.
 */
const virtualHostable = (bucket: string) => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x'));

/** Hosts of AWS S3 for a bucket, as the client's region decides them (null: no region given to the client). */
export function awsS3Hosts(bucket: string, region: string, clientRegion: string | null): string[] {
  const host = (r: string | null) => {
    const base = r === null || r === 'us-east-1' ? `s3.${dnsSuffix('us-east-1')}` : `s3.${r}.${dnsSuffix(r)}`;
    return virtualHostable(bucket) ? `${bucket}.${base}` : base;
  };
  // A client without the bucket's region asks the global endpoint first and is redirected to
  // the bucket's region (botocore/utils.py S3RegionRedirectorv2).
  return [...new Set([host(clientRegion), host(region)])];
}

/** Whether the backup client is told the region (plugin sidecar env); the in-tree method is not. */
export const regionEnv = (c: ClusterAnswers, plugin: boolean): { name: string; value: string }[] =>
  plugin && c.backups && !c.backupEndpoint ? [{ name: 'AWS_DEFAULT_REGION', value: c.backupRegion }] : [];

type Rule = Record<string, unknown>;
const tcp = (port: string) => [{ ports: [{ port, protocol: 'TCP' }] }];

/** Egress rules from the instance pods to the object store; empty without backups. */
export function objectStoreEgress(c: ClusterAnswers, clusterNamespace: string, plugin: boolean): Rule[] {
  if (!c.backups) return [];
  if (!c.backupEndpoint) {
    const clientRegion = regionEnv(c, plugin).length ? c.backupRegion : null;
    return [{ toFQDNs: awsS3Hosts(bucketOf(c.backupDestinationPath), c.backupRegion, clientRegion).map((matchName) => ({ matchName })), toPorts: tcp('443') }];
  }
  const url = new URL(c.backupEndpoint);
  const port = url.port || (url.protocol === 'http:' ? '80' : '443');
  if (isIp(url.hostname)) {
    const ip = url.hostname.replace(/^\[|\]$/g, '');
    return [{ toCIDR: [`${ip}/${ip.includes(':') ? 128 : 32}`], toPorts: tcp(port) }];
  }
  const store = inClusterStore(c.backupEndpoint, clusterNamespace);
  if (store) {
    // Records written before this answer existed get the same default the prompt offers.
    const labels = c.backupStoreLabels ?? defaultStoreLabels(c.backupEndpoint, clusterNamespace);
    return [{ toEndpoints: [{ matchLabels: { ...labels, 'k8s:io.kubernetes.pod.namespace': store.namespace } }] }];
  }
  return [{ toFQDNs: [{ matchName: url.hostname }], toPorts: tcp(port) }];
}
