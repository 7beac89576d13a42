// Every finding that can be known comes in the first run: a user who fixes what the validator
// says gets no new findings on the next run, and an error in one field hides nothing else.
import * as fs from 'fs';
import * as path from 'path';
import { Finding, validate } from '../../validator';
import { parseManifests } from '../../validator/load';

const TUTORIAL = path.join(__dirname, 'fixtures', 'tutorial');
const read = (file: string, text = fs.readFileSync(path.join(TUTORIAL, file), 'utf8')) => parseManifests(file, text);
const summary = (findings: Finding[]) => findings.map((f) => `${f.object} ${f.path} [${f.rule}]`);

/** What the tutorial nginx Deployment and Service get in the first run. */
const FIRST_RUN = [
  'Deployment/nginx-deployment spec.template.spec.containers[0].securityContext.seccompProfile.type [seccomp-profile]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation [no-privilege-escalation]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].securityContext.runAsNonRoot [run-as-non-root]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].securityContext.capabilities.drop [drop-all-capabilities]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].resources [resources]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].securityContext.runAsUser [non-root-user]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].ports[0].containerPort [unprivileged-port]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].image [image-facts]',
  'Deployment/nginx-deployment spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem [read-only-root-filesystem]',
];

describe('one pass', () => {
  test('the tutorial nginx Deployment and Service get every finding in the first run', () => {
    expect(summary(validate(read('nginx.yaml')))).toEqual(FIRST_RUN);
  });

  test('the tutorial as a user fixes it (uid 1000, read-only root, containerPort 8080) still would not run, and says why', () => {
    expect(validate(read('nginx-as-fixed.yaml')).map((f) => `${f.path}: ${f.message} [${f.rule}]`)).toEqual([
      'spec.template.spec.containers[0].image: container "nginx" runs nginx:1.27 as a non-root user, but its master process runs as root to bind port 80 and to create /var/cache/nginx; as a non-root user it exits. Use nginxinc/nginx-unprivileged (uid 101, port 8080, writes /tmp) [image-facts]',
      'spec.template.spec.containers[0].ports[0].containerPort: container "nginx" declares port 8080, but nginx listens on 80: declaring a port does not change it, so traffic to 8080 is refused; configure the program to listen there (1024 or above) [image-facts]',
      'spec.template.spec.containers[0].volumeMounts: container "nginx" has a read-only root filesystem, but nginx writes /var/cache/nginx and /var/run: mount an emptyDir (or a volume) at each [image-facts]',
    ]);
  });

  test('a schema error in one field hides none of the other findings on the object', () => {
    const original = fs.readFileSync(path.join(TUTORIAL, 'nginx.yaml'), 'utf8');
    const text = original
      .replace('  replicas: 3', '  replicas: "3"')
      .replace('        image: nginx:1.27', '        image: nginx:1.27\n        imagePullPolcy: Always');
    expect(text).not.toBe(original);
    const findings = summary(validate(read('nginx.yaml', text)));
    expect(findings).toEqual(expect.arrayContaining(FIRST_RUN));
    expect(findings.filter((f) => !FIRST_RUN.includes(f))).toEqual([
      'Deployment/nginx-deployment spec.template.spec.containers[0].imagePullPolcy [unknown-field]',
      'Deployment/nginx-deployment spec.replicas [field-type]',
    ]);
  });
});
