/**
 * Cron schedules checked field by field, as the parsers that will read them do: robfig/cron
 * (github.com/robfig/cron). Kubernetes validates a CronJob schedule with v3 `ParseStandard`
 * (five fields or a descriptor) and refuses any "TZ" in it, pointing at `spec.timeZone`
 * (kubernetes pkg/apis/batch/validation validateScheduleFormat). CNPG's ScheduledBackup webhook and
 * controller call v1.2.0 `cron.Parse` (seconds first; internal/webhook/v1/scheduledbackup_webhook.go
 * at v1.30.0), whose rules for a field are the same (parser.go getRange: lists, ranges, steps,
 * "N/step" = "N-max/step", names for months and weekdays, "*" and "?").
 */

interface Bounds {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const SECOND: Bounds = { label: 'second', min: 0, max: 59 };
const MINUTE: Bounds = { label: 'minute', min: 0, max: 59 };
const HOUR: Bounds = { label: 'hour', min: 0, max: 23 };
const DOM: Bounds = { label: 'day of month', min: 1, max: 31 };
const MONTH: Bounds = { label: 'month', min: 1, max: 12, names: MONTHS };
const DOW: Bounds = { label: 'day of week', min: 0, max: 6, names: WEEKDAYS };

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** Go's time.ParseDuration for `@every`: one or more <number><unit>. */
const GO_DURATION = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|ms|s|m|h))*$/;

function value(text: string, b: Bounds): number | string {
  const named = b.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (b === MONTH ? 1 : 0);
  if (!/^[0-9]+$/.test(text)) return `${b.label} "${text}" is not a number${b.names ? ` or a name (${b.names.join(', ')})` : ''}`;
  return Number(text);
}

function checkField(field: string, b: Bounds): string | undefined {
  for (const expr of field.split(',')) {
    if (expr === '') return `${b.label} "${field}" has an empty list entry`;
    const parts = expr.split('/');
    if (parts.length > 2) return `${b.label} "${expr}" has more than one "/"`;
    const [range, step] = parts as [string, string | undefined];
    if (step !== undefined && !/^[0-9]+$/.test(step)) return `${b.label} step "${step}" is not a number`;
    if (step !== undefined && Number(step) === 0) return `${b.label} step in "${expr}" must be positive`;
    if (range === '*' || range === '?') continue;
    const ends = range.split('-');
    if (ends.length > 2) return `${b.label} "${expr}" has more than one "-"`;
    const start = value(ends[0]!, b);
    if (typeof start === 'string') return start;
    const end = ends.length === 2 ? value(ends[1]!, b) : step !== undefined ? b.max : start;
    if (typeof end === 'string') return end;
    if (start < b.min || end > b.max) return `${b.label} "${expr}" is outside ${b.min}-${b.max}`;
    if (start > end) return `${b.label} range "${expr}" starts after it ends`;
  }
  return undefined;
}

function checkDescriptor(spec: string): string | undefined {
  if (DESCRIPTORS.has(spec)) return undefined;
  if (spec.startsWith('@every ')) {
    return GO_DURATION.test(spec.slice('@every '.length)) ? undefined : `"${spec}" needs a duration such as @every 1h30m`;
  }
  return `unknown descriptor "${spec}" (use @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>)`;
}

function checkFields(spec: string, bounds: readonly Bounds[]): string | undefined {
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== bounds.length) return `has ${fields.length} field(s), needs ${bounds.length}`;
  for (const [i, f] of fields.entries()) {
    const problem = checkField(f, bounds[i]!);
    if (problem) return problem;
  }
  return undefined;
}

/** A Kubernetes CronJob schedule: five fields (minute first) or a descriptor; no TZ= prefix. */
export function cronJobScheduleProblem(spec: string): string | undefined {
  if (spec.includes('TZ')) return 'must not set TZ or CRON_TZ (Kubernetes refuses it; the CronJob runs in the controller\'s time zone)';
  if (spec.startsWith('@')) return checkDescriptor(spec);
  return checkFields(spec, [MINUTE, HOUR, DOM, MONTH, DOW]);
}

/**
 * A CNPG ScheduledBackup schedule: six fields, seconds first, or a descriptor. robfig v1 `Parse`
 * also takes five fields (weekday optional) but still reads them seconds first: "0 3 * * *" would
 * run at minute 3 of every hour. The tool refuses five fields so a CronJob-style value is never
 * read as another schedule.
 */
export function scheduledBackupProblem(spec: string): string | undefined {
  if (spec.startsWith('@')) return checkDescriptor(spec);
  return checkFields(spec, [SECOND, MINUTE, HOUR, DOM, MONTH, DOW]);
}
