import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, externalSecrets } from '../../src/records.js';
import { formatProblem, validateTree } from '../../src/validate/index.js';
import { CHART_DIR, argocdTree } from '../e2e/support/argocd-tree.js';
import { helmRenderer } from '../e2e/support/helm.js';
import { missingHelmRenderer, missingWarning } from '../e2e/support/tools.js';

const skip = missingWarning('validate: Argo CD scopes with the wrapper chart rendered', missingHelmRenderer());

/** validate as the CLI runs it on seed 000's tree, with the Helm renderer (or without). */
async function validate(dir: string, renderer = true) {
  const model = (await loadModel(dir))!;
  const r = await validateTree({ root: dir, kubectl: 'off', externalSecrets: externalSecrets(model), helmRenderer: renderer ? helmRenderer() : undefined });
  return { ...r, lines: r.problems.map(formatProblem) };
}

describe.skipIf(!!skip)('validate on an Argo CD tree (seed 000)', () => {
  it('reads the Application, renders the chart it syncs and checks every object in it: clean', async () => {
    const dir = await argocdTree();
    const r = await validate(dir);
    expect(r.lines).toEqual([]);
    // The Application, two app-side ExternalSecrets, and the chart's eleven objects.
    expect(r.checkedDocuments).toBe(14);
    expect(r.notes.some((n) => n.startsWith(`${CHART_DIR}: rendered the chart's own templates`))).toBe(true);
    const without = await validate(dir, false);
    expect(without.checkedDocuments).toBe(3);
    expect(without.notes.some((n) => n.includes('not rendered (set CNPG_HELM_RENDER'))).toBe(true);
  });

  it('with network policies, every pod is covered and every path admitted: the hook\'s, and an app\'s from its own namespace', async () => {
    const dir = await argocdTree([{ name: 'harbor', namespace: 'media', provisioning: 'declarative', backups: true }], { networkPolicies: true });
    expect((await validate(dir)).lines).toEqual([]);
  });

  it('finds what is wrong inside the chart: a schema violation in a value, a Secret no template makes, a template that fails', async () => {
    const dir = await argocdTree();
    const values = join(dir, CHART_DIR, 'values.yaml');
    const text = readFileSync(values, 'utf8');
    writeFileSync(values, text.replace('instances: 2', 'instances: 0'));
    expect((await validate(dir)).lines).toEqual([expect.stringMatching(/^apps\/cluster\/cloudnative-pg\/templates\/cluster\.yaml:\d+: Cluster\/cnpg-main: spec\.instances: .*1/)]);

    writeFileSync(values, text);
    rmSync(join(dir, CHART_DIR, 'templates/cluster/apps/harbor/externalsecret.yaml'));
    expect((await validate(dir)).lines).toEqual([
      expect.stringMatching(/templates\/cluster\.yaml:\d+: Cluster\/cnpg-main: Secret harbor-pg-role is not produced in namespace apps/),
      expect.stringMatching(/templates\/init-roles-job\.yaml:\d+: Job\/cnpg-main-init-roles: Secret harbor-pg-role is not produced in namespace apps/),
    ]);

    writeFileSync(values, text.replace(/^ {4}host: .*$/m, '    host: ""'));
    expect((await validate(dir)).lines).toEqual([expect.stringMatching(/^argocd\/apps\/cloudnative-pg\.yaml:\d+: Application\/cloudnative-pg: chart apps\/cluster\/cloudnative-pg does not render: .*cnpg\.cluster\.host is required/)]);
  });
});
