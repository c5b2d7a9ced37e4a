import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/commands/new-app.js';
import { newCluster } from '../../src/commands/new-cluster.js';
import { InputError } from '../../src/errors.js';
import { modelTree } from '../../src/validate/index.js';
import { ctxFor, tempRepo } from '../helpers.js';

/** Pieces that mean something to YAML, to Flux's envsubst or to a YAML 1.1 reader. */
const PIECES = ['${CLUSTER_NAME}', '#', ' #', '&a', '*a', ': ', ':', "'", '"', '\n', '\t', '${', '${X}', '$${X}', '$$', '$', '\\\\', '\\', '}', '{', '[', ']', ',', '!', '|', '>', '%', '@', '`',
  '- ', '? ', '---', '~', 'on', 'yes', 'n', 'null', 'true', '0123', '0x1F', '1_000', '1:20', '.5', '2001-12-14', 'é', 'ü', '😀', '\u2028', '\u0085', ' ', 'a', 'Z', '9', '.', '/', '{{ x }}', '<<'];
/** Pieces Flux or YAML 1.1 readers cannot carry unchanged, or no one-line answer may hold: answers holding them must be refused. */
const WILD = new Set(['${CLUSTER_NAME}', '${', '${X}', '$${X}', '$$', '\u2028', '\u0085', '\n', '\t']);
const TAME = PIECES.filter((p) => !WILD.has(p));
const pieces = (from: string[], min: number, noSpace: boolean) =>
  fc.array(fc.constantFrom(...(noSpace ? from.filter((p) => !/\s/.test(p)) : from)), { minLength: min, maxLength: 5 }).map((p) => p.join(''));
/** Tame values carry no padding: a space around an answer is refused as a typo (src/answers.ts), which would hide the rest. */
const tame = (min: number, noSpace: boolean) => pieces(TAME, min, noSpace).map((t) => t.trim()).filter((t) => t.length >= min);
/** Mostly values that must pass (YAML syntax, numbers, booleans, unicode), sometimes ones that must be refused. */
const text = (min = 0, noSpace = false) =>
  fc.oneof(
    { weight: 12, arbitrary: tame(min, noSpace) },
    { weight: 1, arbitrary: pieces(PIECES, min, noSpace) },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: 4, unit: 'binary' }) },
  );
/** Valid schedules (the cron rules check each field's range, so random fields would only be refused), '*' and '@' among them. */
const SIX_FIELD = fc.constantFrom('0 0 0 * * *', '0 */5 * * * *', '0 30 2 * * 1-5', '*/30 0 0 1,15 * *');
const FIVE_FIELD = fc.constantFrom('@daily', '@hourly', '0 3 * * *', '*/15 * * * *', '0 0 1 1 *', '5 4 * * sun');

const CLUSTER_TEXT = ['backupEndpoint', 'superuserItem', 'superuserProperty', 'backupCredentialsItem', 'backupSchedule', 'backupDestinationPath', 'parameters'];
const APP_TEXT = ['storeItem', 'passwordProperty', 'backupSchedule', 'nfsServer', 'nfsPath'];

type Obj = Record<string, any>;

describe('any free-text answer', () => {
  it('is refused naming its field (exit 2), or reaches the cluster as exactly that string after kustomize, Flux and a YAML 1.1 reader (PROPERTY_RUNS=N for more)', async () => {
    // A reference to a recorded cluster variable: allowed in the bucket path and endpoint only.
    const withRef = (t: fc.Arbitrary<string>) => fc.oneof(t, t.map((x) => `\${CLUSTER_NAME}${x}`));
    const cluster = fc.record({
      superuserItem: text(1),
      superuserProperty: text(1),
      backupCredentialsItem: text(1),
      backupSchedule: SIX_FIELD,
      backupDestinationPath: withRef(text(1, true)).map((t) => `s3://${t}`),
      backupEndpoint: withRef(text(1, true)).map((t) => `https://r2.example.com/${t}`),
      parameter: text(),
    });
    const app = fc.record({ storeItem: text(1), passwordProperty: text(1), backupSchedule: FIVE_FIELD, nfsServer: text(1), nfsPath: text().map((t) => `/${t}`) });
    const outcomes: string[] = [];
    await fc.assert(
      fc.asyncProperty(cluster, app, fc.constantFrom('component', 'explicit'), async (c, a, appLayout) => {
        const dir = tempRepo();
        const { parameter, ...clusterText } = c;
        const refused = (err: unknown, fields: string[]) => {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).exitCode).toBe(2);
          // One line per refused answer, each naming one of the free-text fields drawn, none twice.
          const lines = (err as InputError).message.split('\n');
          for (const line of lines) expect(fields, line).toContain(line.split(':')[0]!.split('.')[0]!);
          expect(new Set(lines.map((l) => l.split(':')[0])).size, (err as InputError).message).toBe(lines.length);
        };
        try {
          await newCluster(ctxFor(dir), { ...clusterText, parameters: { log_line_prefix: parameter } });
        } catch (err) {
          refused(err, CLUSTER_TEXT);
          outcomes.push('refused');
          return;
        }
        try {
          await newApp(ctxFor(dir), { name: 'wiki', namespace: 'docs', appLayout, backupVolume: 'nfs', ...a });
        } catch (err) {
          refused(err, APP_TEXT);
          outcomes.push('refused');
          return;
        }
        outcomes.push('applied');
        const { render } = await modelTree({ root: dir, externalVariables: ['CLUSTER_NAME'] });
        expect(render.problems).toEqual([]);
        const applied = (kind: string, name: string): Obj => {
          const doc = render.rendered.find((r) => r.obj.kind === kind && r.obj.metadata?.name === name && r.flux);
          expect(doc, `${kind}/${name}`).toBeDefined();
          return doc!.obj as Obj;
        };
        const pguser = applied('ExternalSecret', 'wiki-pguser-secret').spec.data[0].remoteRef;
        expect(pguser).toEqual({ key: a.storeItem, property: a.passwordProperty });
        expect(applied('ExternalSecret', 'wiki-pg-role').spec.data[0].remoteRef).toEqual({ key: a.storeItem, property: a.passwordProperty });
        const cronJob = applied('CronJob', 'wiki-pg-backups').spec;
        expect(cronJob.schedule).toBe(a.backupSchedule);
        expect(cronJob.jobTemplate.spec.template.spec.volumes[0].nfs).toEqual({ server: a.nfsServer, path: a.nfsPath });
        expect(applied('ExternalSecret', 'postgres-superuser-secret').spec.data[0].remoteRef).toEqual({ key: c.superuserItem, property: c.superuserProperty });
        expect(applied('ExternalSecret', 'cnpg-r2-credentials').spec.data[0].remoteRef.key).toBe(c.backupCredentialsItem);
        expect(applied('ScheduledBackup', 'postgres-daily').spec.schedule).toBe(c.backupSchedule);
        expect(applied('Cluster', 'postgres').spec.postgresql.parameters.log_line_prefix).toBe(parameter);
        // ${NAME} references in the bucket path are Flux's to fill (CLUSTER_NAME is external: a placeholder).
        const store = applied('ObjectStore', 'postgres-backup').spec.configuration;
        const refs = (v: string) => v.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x');
        expect(store.destinationPath).toBe(refs(c.backupDestinationPath));
        expect(store.endpointURL).toBe(refs(c.backupEndpoint));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 25) },
    );
    // Not a property that only ever sees refusals: about half the samples reach the cluster.
    expect(outcomes.filter((o) => o === 'applied').length, outcomes.join(' ')).toBeGreaterThan(0);
  }, 300_000);
});
