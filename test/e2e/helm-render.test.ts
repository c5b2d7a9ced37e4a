import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderChartOrThrow, renderWrapperChart } from './support/helm.js';
import { missingHelmRenderer, missingWarning } from './support/tools.js';

const skip = missingWarning('Helm template renderer', missingHelmRenderer());
const CHART = join(import.meta.dirname, 'fixtures', 'helm-chart');

const docs = (out: string) => parseAllDocuments(out).map((d) => d.toJS() as Record<string, any>);

describe.skipIf(!!skip)('helm-render: Go text/template + sprig with Helm\'s functions', () => {
  it('renders values, the release, Chart.yaml, include + nindent, default, tpl and lookup as helm template does', () => {
    const out = renderChartOrThrow(CHART, { release: 'r1', namespace: 'apps' });
    // helm template's framing: one `---` and `# Source:` per document; NOTES.txt and _helpers.tpl are not output.
    expect(out.startsWith('---\n# Source: fixture/templates/configmap.yaml\napiVersion: v1\n')).toBe(true);
    expect(out).not.toContain('NOTES');
    const [cm, ...rest] = docs(out);
    expect(rest).toEqual([]); // the Secret behind a false `if` leaves an empty document, which is dropped
    expect(cm!.metadata).toEqual({
      name: 'demo',
      namespace: 'apps',
      labels: { 'app.kubernetes.io/name': 'fixture', 'app.kubernetes.io/version': '4.5', 'helm.sh/chart': 'fixture-1.2.3', team: 'db' },
    });
    expect(cm!.data).toEqual({
      image: 'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie', // `default` falls back on ""
      replicas: '2',
      big: '1e+06', // values travel through JSON as in Helm: every number is a float64
      release: 'r1/Helm',
      lookup: '0', // lookup is an empty map without a cluster, as under helm template
      tpl: 'demo-tpl',
    });
  });

  it('values given over values.yaml merge key by key; a null removes a default; a set value beats `default`', () => {
    const out = renderChartOrThrow(CHART, { values: { image: 'dhi.io/postgres:18.1-debian13', labels: null, extra: true } });
    const [cm, secret] = docs(out);
    expect(cm!.data.image).toBe('dhi.io/postgres:18.1-debian13');
    expect(cm!.metadata.labels.team).toBeUndefined();
    expect(cm!.metadata.namespace).toBe('default');
    expect(secret).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-extra' } });
  });

  it('`required` fails the render with Helm\'s message naming the file and position', () => {
    const r = renderWrapperChart(CHART, { values: { name: '' } });
    expect(r).toEqual({ ok: false, error: 'Error: execution error at (fixture/templates/configmap.yaml:4:11): name is required' });
    expect(renderWrapperChart(CHART, { values: { name: null } }).ok).toBe(false);
  });
});
