import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newAppParts } from '../../generators/new-app.js';
import { newClusterParts } from '../../generators/new-cluster.js';
import { OTHER, partRules, questionsFor } from '../../generators/questions.js';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { loadModel } from '../../src/records.js';
import { repoChoices } from '../../src/repo-choices.js';
import { SavedAnswers } from '../../src/saved-answers.js';
import { R2, ctxFor, tempRepo } from '../helpers.js';

const APP_RECORD = '.cnpg/answers/apps/wiki.yaml';

async function withApp() {
  const dir = tempRepo();
  await newCluster(ctxFor(dir), { backupEndpoint: R2 });
  await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs' });
  return dir;
}

describe('re-running new-app and new-cluster for a recorded unit', () => {
  it('new-app: the record gives the defaults, a change is an update shown as a diff, nothing is deleted', async () => {
    const dir = await withApp();
    const ctx = ctxFor(dir);
    await newApp(ctx, { name: 'wiki', keepDays: 9 });
    const out = ctx.lines.join('\n');
    expect(out).toContain(`update ${APP_RECORD}\n--- a/${APP_RECORD}`);
    expect(out).toMatch(/^-  keepDays: 7$/m);
    expect(out).toMatch(/^\+  keepDays: 9$/m);
    expect(out).not.toMatch(/^delete /m);
    const record = readFileSync(join(dir, APP_RECORD), 'utf8');
    // The namespace stays the recorded one, not the field's default.
    expect(record).toMatch(/^ {2}namespace: docs$/m);
    expect(record).toMatch(/^ {2}keepDays: 9$/m);
    // The same answers again: nothing to do, no diff.
    const again = ctxFor(dir);
    await newApp(again, { name: 'wiki', keepDays: 9 });
    expect(again.lines.join('\n')).toContain('0 created, 0 updated, 0 deleted');
    expect(again.lines.join('\n')).not.toContain('---');
  });

  it('new-cluster: the same, for a recorded cluster', async () => {
    const dir = await withApp();
    const ctx = ctxFor(dir);
    await newCluster(ctx, { instances: 2 });
    const out = ctx.lines.join('\n');
    expect(out).toContain('update .cnpg/answers/clusters/postgres.yaml\n---');
    expect(out).toMatch(/^-  instances: 3$/m);
    expect(out).toMatch(/^\+  instances: 2$/m);
    expect(out).not.toMatch(/^delete /m);
    expect(readFileSync(join(dir, '.cnpg/answers/clusters/postgres.yaml'), 'utf8')).toContain(`backupEndpoint: ${R2}`);
  });
});

describe('the prompts check each answer with its unit\'s rules', () => {
  it('an answer that breaks its rule, or a rule with an answer given before it, gets the rule\'s line', async () => {
    const dir = await withApp();
    const model = (await loadModel(dir))!;
    const [part] = newAppParts(model, await repoChoices(dir, model));
    const qs = questionsFor(part!, {});
    const ask = (name: string) => qs.find((q) => q.name === name && q.validate)!;
    expect(ask('name').validate!('Bad_Name', {})).toMatch(/^name: must be a DNS-1123 label .*\(got "Bad_Name"\)$/);
    expect(ask('name').validate!('chat', {})).toBe(true);
    // A rule across answers: the database of another app on the same cluster.
    expect(ask('database').validate!('wiki', { name: 'chat' })).toMatch(/^database: "wiki" is already the database of app wiki on cluster postgres/);
    expect(ask('keepDays').validate!('0', { name: 'chat', backups: true })).toMatch(/^keepDays: must be at least 1/);
    // The recorded app's answers are the defaults once its name is chosen.
    const namespace = qs.find((q) => q.name === 'namespace' && q.type === 'list')!;
    expect(namespace.default!({ name: 'wiki' })).toBe('docs');
    expect(namespace.choices!({ name: 'chat' }).map((c) => c.value)).toEqual(['default', 'databases', 'docs', OTHER]);
  });

  it('a list shows why a choice is refused; given answers that break a rule are refused before any prompt', async () => {
    const dir = tempRepo();
    const [repo] = newClusterParts(undefined, await repoChoices(dir, undefined));
    const appLayout = questionsFor(repo!, {}).find((q) => q.name === 'appLayout')!;
    const component = appLayout.choices!({ secretSource: 'sops' }).find((c) => c.value === 'component')!;
    expect(component.disabled).toContain('component requires secretSource external-secrets (secretSource is sops)');
    expect(appLayout.default!({ secretSource: 'sops' })).toBe('explicit');
    expect(partRules(repo!, { operatorReplicas: 0 }).brokenKnown()).toEqual([expect.stringMatching(/^operatorReplicas: /)]);
    // Argo CD's answers are not asked under Flux (they must stay absent there).
    expect(questionsFor(repo!, {}).find((q) => q.name === 'argocdNamespace')!.when!({})).toBe(false);
    expect(questionsFor(repo!, {}).find((q) => q.name === 'argocdNamespace')!.when!({ delivery: 'argocd' })).toBe(true);
  });

  it('choices come from the repository: namespace folders, recorded namespaces, declared ClusterSecretStores', async () => {
    const dir = await withApp();
    mkdirSync(join(dir, 'kubernetes/apps/media'), { recursive: true });
    mkdirSync(join(dir, 'infra/stores'), { recursive: true });
    writeFileSync(join(dir, 'infra/stores/vault.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: vault\n');
    const choices = await repoChoices(dir, (await loadModel(dir))!);
    expect(choices.namespaces).toEqual(['databases', 'default', 'docs', 'media']);
    expect(choices.secretStores).toEqual(['onepassword', 'vault']);
  });
});

describe('answers kept outside the repository', () => {
  it('keeps only the command\'s answers, never one that could hold a credential, readable by the user alone', async () => {
    const state = mkdtempSync(join(tmpdir(), 'cnpg-state-'));
    const store = new SavedAnswers(state, tempRepo(), 'new-app');
    const path = await store.save({ name: 'wiki', storeItem: 'AKIAIOSFODNN7EXAMPLE', keepDays: '9', stray: 'x' }, new Set(['name', 'storeItem', 'keepDays']));
    expect(path).toBe(store.path);
    expect(readFileSync(path!, 'utf8')).not.toContain('AKIA');
    expect(statSync(path!).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual({ name: 'wiki', keepDays: '9' });
    await store.drop();
    expect(existsSync(path!)).toBe(false);
    expect(await store.load()).toBeUndefined();
  });
});
