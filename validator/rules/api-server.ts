// Single-field checks that the API server makes on create, beyond the schema: ranges of numbers
// and quantities, file modes, env var names, a pod's containers and images, probe handlers, the
// storage a claim requests, the keys of typed Secrets, Ingress hosts, autoscaler bounds and cron
// schedules. Each is what kube-apiserver's validation (pkg/apis/*/validation) refuses.
import { envVarNameProblem, ingressHostProblem } from '../../lib/checks';
import { ManifestSet } from '../manifest-set';
import { PodSpecAt, containersOf } from '../pod-specs';
import { parseQuantity } from '../quantity';
import { KUBERNETES_VERSIONS, KubernetesVersion, compareVersions, scalarsOf, typeOfKind } from '../schema';
import { Finding, Manifest, Rule } from '../types';
import { Json, asList, containerFinding, finding, isObject, podFinding, quote } from './helpers';

function rule(id: string, description: string, check: Rule['check']): Rule {
  return { id, family: 'schema', description, check };
}

/** Integer fields that the API server refuses below 0, wherever they are. */
const NON_NEGATIVE = new Set([
  'replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'parallelism', 'completions', 'backoffLimit',
  'backoffLimitPerIndex', 'maxFailedIndexes', 'ttlSecondsAfterFinished', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit', 'terminationGracePeriodSeconds', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds',
  'successThreshold', 'failureThreshold', 'activeDeadlineSeconds', 'expirationSeconds',
]);

const INT32 = 2 ** 31;

/** The newest release that knows the kind, for the int32 formats (1.28's import has none). */
function typedScalars(m: Manifest) {
  const version = [...KUBERNETES_VERSIONS].reverse().find((v) => typeOfKind(m.object.apiVersion, m.object.kind, v));
  const type = version && typeOfKind(m.object.apiVersion, m.object.kind, version);
  return version && type ? scalarsOf(m.object, type, version) : [];
}

const numberRange = rule('number-range',
  'counts and durations are not negative, int32 fields fit in int32, and quantities are not negative, as the API server demands',
  (set) => set.manifests.flatMap((m) => typedScalars(m).flatMap((s): Finding[] => {
    const at = (message: string) => [finding('number-range', m, s.path, message)];
    if ((s.type === 'int32' || s.type === 'integer') && typeof s.value === 'number' && Number.isInteger(s.value)) {
      if (s.type === 'int32' && (s.value >= INT32 || s.value < -INT32)) return at(`${s.value} does not fit the 32-bit integer this field is (at most ${INT32 - 1})`);
      if (!Number.isSafeInteger(s.value)) return at(`${s.value} does not fit a 64-bit integer exactly`);
      if (s.value < 0 && NON_NEGATIVE.has(s.field)) return at(`${s.field} is ${s.value}: it must be 0 or more`);
    }
    if (s.type === 'quantity') {
      const q = parseQuantity(s.value);
      if (q !== undefined && q < 0) return at(`${quote(s.value)} is negative: a quantity here must be 0 or more`);
    }
    return [];
  })));

/** Volume sources whose files take a mode, and where the modes are. */
function modes(pod: PodSpecAt): Array<{ path: string; value: Json }> {
  const found: Array<{ path: string; value: Json }> = [];
  asList(pod.spec.volumes).forEach((volume, i) => {
    for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
      const s = volume?.[source];
      if (!isObject(s)) continue;
      const base = `volumes[${i}].${source}`;
      if (s.defaultMode !== undefined) found.push({ path: `${base}.defaultMode`, value: s.defaultMode });
      asList(s.items).forEach((item, j) => { if (item?.mode !== undefined) found.push({ path: `${base}.items[${j}].mode`, value: item.mode }); });
      asList(s.sources).forEach((p, j) => {
        for (const kind of ['secret', 'configMap', 'downwardAPI']) {
          asList(p?.[kind]?.items).forEach((item, k) => { if (item?.mode !== undefined) found.push({ path: `${base}.sources[${j}].${kind}.items[${k}].mode`, value: item.mode }); });
        }
      });
    }
  });
  return found;
}

const fileMode = rule('file-mode',
  'file modes (defaultMode, items[].mode) are 0 to 0777; in YAML write them as octal with a leading 0 (0644), or as the decimal number (420)',
  (set) => set.podSpecs.flatMap((pod) => modes(pod).flatMap(({ path, value }) => {
    if (!Number.isInteger(value) || (value >= 0 && value <= 0o777)) return [];
    const octal = /^[0-7]{3,4}$/.test(String(value)) ? `: ${value} is read as a decimal number; write 0${value} (octal) or ${parseInt(String(value), 8)} for mode ${value}` : '';
    return [podFinding('file-mode', pod, path, `${value} is not a file mode from 0 to 0777 (511)${octal}`)];
  })));

/** Env var names: 1.28 wants a C-like name; from 1.34 any printable ASCII but '=' (RelaxedEnvironmentVariableValidation, GA). */
function envNameProblem(name: string, version: KubernetesVersion): string | undefined {
  if (name === '') return 'is empty';
  if (compareVersions(version, '1.34') >= 0) {
    return /^[\x20-\x3c\x3e-\x7e]+$/.test(name) ? undefined : 'may only hold printable ASCII characters other than \'=\'';
  }
  // The 1.28 format, as the constructs of lib/ check it.
  if (envVarNameProblem(name)) return 'may only hold letters, digits, \'_\', \'-\' and \'.\', not starting with a digit';
  if (name === '.' || name === '..' || name.startsWith('..')) return 'may not be "." or start with ".."';
  return undefined;
}

const envName = rule('env-name',
  'env var names and envFrom prefixes are names the release accepts: 1.28 letters, digits, \'_\', \'-\', \'.\' not starting with a digit; from 1.34 any printable ASCII but \'=\'',
  (set, options) => options.kubernetesVersions.flatMap((version) => set.containers.flatMap((c) => {
    const found: Finding[] = [];
    asList(c.container.env).forEach((env, i) => {
      if (typeof env?.name !== 'string') return;
      const problem = envNameProblem(env.name, version);
      if (problem) found.push({ ...containerFinding('env-name', c, `env[${i}].name`, `has env var name ${quote(env.name)}, which ${problem}`), versions: [version] });
    });
    asList(c.container.envFrom).forEach((from, i) => {
      if (typeof from?.prefix !== 'string' || from.prefix === '') return;
      const problem = envNameProblem(from.prefix, version);
      if (problem) found.push({ ...containerFinding('env-name', c, `envFrom[${i}].prefix`, `has envFrom prefix ${quote(from.prefix)}, which ${problem}`), versions: [version] });
    });
    return found;
  })));

const podContainers = rule('pod-containers',
  'a pod has at least one container, and every container an image',
  (set) => set.podSpecs.flatMap((pod) => {
    const found: Finding[] = [];
    if (Array.isArray(pod.spec.containers) && pod.spec.containers.length === 0) found.push(podFinding('pod-containers', pod, 'containers', 'is empty: a pod needs at least one container'));
    for (const c of containersOf(pod)) {
      const image = c.container.image;
      if (image === undefined || image === null || image === '') found.push(containerFinding('pod-containers', c, 'image', 'has no image: every container needs one'));
    }
    return found;
  }));

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

const probeHandler = rule('probe-handler',
  'each probe and lifecycle hook has exactly one handler (exec, httpGet, tcpSocket, grpc; sleep for hooks)',
  (set) => set.containers.flatMap((c) => {
    const found: Finding[] = [];
    const check = (field: string, value: Json, handlers: readonly string[]) => {
      if (!isObject(value)) return;
      const set = handlers.filter((h) => value[h] !== undefined && value[h] !== null);
      if (set.length === 0) found.push(containerFinding('probe-handler', c, field, `has a ${field} without a handler: set one of ${handlers.join(', ')}`));
      if (set.length > 1) found.push(containerFinding('probe-handler', c, field, `has a ${field} with ${set.length} handlers (${set.join(', ')}): keep exactly one`));
    };
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) check(probe, c.container[probe], PROBE_HANDLERS);
    for (const hook of ['postStart', 'preStop']) check(`lifecycle.${hook}`, c.container.lifecycle?.[hook], LIFECYCLE_HANDLERS);
    return found;
  }));

/** Every claim spec: PersistentVolumeClaims, StatefulSet claim templates, ephemeral volumes. */
function claimSpecs(set: ManifestSet): Array<{ m: Manifest; path: string; spec: Json }> {
  const found: Array<{ m: Manifest; path: string; spec: Json }> = [];
  for (const m of set.ofKind('PersistentVolumeClaim')) found.push({ m, path: 'spec', spec: m.object.spec });
  for (const m of set.ofKind('StatefulSet')) {
    asList(m.object.spec?.volumeClaimTemplates).forEach((t, i) => found.push({ m, path: `spec.volumeClaimTemplates[${i}].spec`, spec: t?.spec }));
  }
  for (const pod of set.podSpecs) {
    asList(pod.spec.volumes).forEach((v, i) => {
      if (isObject(v?.ephemeral?.volumeClaimTemplate)) found.push({ m: pod.manifest, path: `${pod.path}.volumes[${i}].ephemeral.volumeClaimTemplate.spec`, spec: v.ephemeral.volumeClaimTemplate.spec });
    });
  }
  return found;
}

const pvcStorage = rule('pvc-storage',
  'a PersistentVolumeClaim (and a claim template) requests storage: spec.resources.requests.storage',
  (set) => claimSpecs(set).flatMap(({ m, path, spec }) => {
    if (!isObject(spec)) return [];
    const storage = spec.resources?.requests?.storage;
    return storage === undefined || storage === null
      ? [finding('pvc-storage', m, `${path}.resources.requests.storage`, 'is not set: a claim must say how much storage it requests, e.g. 1Gi')]
      : [];
  }));

/** The keys the API server demands of each Secret type. */
const SECRET_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

const secretTypeKeys = rule('secret-type-keys',
  'a typed Secret holds the keys of its type: kubernetes.io/tls tls.crt and tls.key, dockerconfigjson .dockerconfigjson, ssh-auth ssh-privatekey, basic-auth username or password',
  (set) => set.ofKind('Secret').flatMap((m) => {
    const type = m.object.type;
    const keys = new Set([...Object.keys(isObject(m.object.data) ? m.object.data : {}), ...Object.keys(isObject(m.object.stringData) ? m.object.stringData : {})]);
    if (type === 'kubernetes.io/basic-auth' && !keys.has('username') && !keys.has('password')) {
      return [finding('secret-type-keys', m, 'data', 'is a kubernetes.io/basic-auth Secret without username or password')];
    }
    if (typeof type !== 'string' || !Object.hasOwn(SECRET_KEYS, type)) return [];
    const missing = SECRET_KEYS[type].filter((k) => !keys.has(k));
    return missing.length === 0 ? [] : [finding('secret-type-keys', m, 'data', `is a ${type} Secret without ${missing.map(quote).join(' and ')}: the API server refuses it`)];
  }));

const ingressHost = rule('ingress-host',
  'an Ingress rule host is a DNS name (lowercase, a \'*.\' wildcard only as the first label), never an IP address',
  (set) => set.ofKind('Ingress').flatMap((m) => asList(m.object.spec?.rules).flatMap((r, i): Finding[] => {
    const host = r?.host;
    if (typeof host !== 'string' || host === '') return [];
    const problem = ingressHostProblem(host);
    return problem ? [finding('ingress-host', m, `spec.rules[${i}].host`, `host ${quote(host)} ${problem}${problem.startsWith('is an IP') ? '; leave host out to match every host' : ''}`)] : [];
  })));

const hpaMinMax = rule('hpa-min-max',
  'a HorizontalPodAutoscaler has minReplicas of at least 1 and maxReplicas of at least minReplicas',
  (set) => set.ofKind('HorizontalPodAutoscaler').flatMap((m): Finding[] => {
    const { minReplicas, maxReplicas } = isObject(m.object.spec) ? m.object.spec : {} as Json;
    if (Number.isInteger(minReplicas) && minReplicas < 1) return [finding('hpa-min-max', m, 'spec.minReplicas', `is ${minReplicas}: it must be at least 1`)];
    if (Number.isInteger(maxReplicas) && maxReplicas < 1) return [finding('hpa-min-max', m, 'spec.maxReplicas', `is ${maxReplicas}: it must be at least 1`)];
    const min = Number.isInteger(minReplicas) ? minReplicas : 1;
    if (Number.isInteger(maxReplicas) && maxReplicas < min) return [finding('hpa-min-max', m, 'spec.maxReplicas', `is ${maxReplicas}, below minReplicas ${min}: it must be at least minReplicas`)];
    return [];
  }));

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];
const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** What is wrong with one field of a cron schedule, if anything. */
function cronFieldProblem(text: string, f: typeof CRON_FIELDS[number]): string | undefined {
  const value = (v: string): number | undefined => {
    const i = f.names?.indexOf(v.toUpperCase()) ?? -1;
    if (i >= 0) return i + f.min;
    return /^\d+$/.test(v) ? Number(v) : undefined;
  };
  for (const part of text.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `${quote(part)} has a bad step`;
    if (range === '*' || range === '?') continue;
    const [from, to, more] = range.split('-');
    const a = value(from);
    const b = to === undefined ? a : value(to);
    if (more !== undefined || a === undefined || b === undefined) return `${quote(part)} is not a number, a range or *`;
    if (a < f.min || b > f.max || a > b) return `${quote(part)} is outside ${f.min}-${f.max}`;
  }
  return undefined;
}

/** What is wrong with a CronJob schedule, as the controller's parser (five fields or a macro) reads it. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) return 'sets a time zone in the schedule: use spec.timeZone instead';
  if (text.startsWith('@')) {
    if (CRON_MACROS.has(text)) return undefined;
    return /^@every \S+$/.test(text) ? undefined : `${quote(text)} is not a known macro (@yearly, @monthly, @weekly, @daily, @hourly)`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} fields: a schedule has five (minute hour day-of-month month day-of-week), e.g. "*/5 * * * *"`;
  for (const [i, f] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[i], f);
    if (problem) return `has a bad ${f.name} field: ${problem}`;
  }
  return undefined;
}

const cronSchedule = rule('cron-schedule',
  'a CronJob schedule is five cron fields in range (minute hour day-of-month month day-of-week) or a macro such as @daily, with no TZ= inside',
  (set) => set.ofKind('CronJob').flatMap((m) => {
    const schedule = m.object.spec?.schedule;
    if (typeof schedule !== 'string') return [];
    const problem = cronScheduleProblem(schedule);
    return problem ? [finding('cron-schedule', m, 'spec.schedule', `schedule ${quote(schedule)} ${problem}`)] : [];
  }));

/** The single-field checks of the API server, in the schema family. */
export const API_SERVER_RULES: readonly Rule[] = [
  numberRange, fileMode, envName, podContainers, probeHandler, pvcStorage, secretTypeKeys, ingressHost, hpaMinMax, cronSchedule,
];
