// What the validator knows about a few images: the ones this project runs and the official
// images that tutorials copy most. Each fact comes from the image's own Dockerfile or
// documentation (the `source` of each entry). An image that is not here is not judged: the
// validator says that its verdict does not cover it.

/** The facts of one image (for the tags that `tags` matches). */
export interface ImageFacts {
  /** The repository as written in manifests, without `docker.io/` or `library/`. */
  readonly repository: string;
  /** Which tags these facts are for; all tags when absent. */
  readonly tags?: RegExp;
  /** The user the image's process runs as: a uid, or `root`. */
  readonly user: number | 'root';
  /**
   * Why the image cannot run as a non-root user, if it cannot: what its process does as root
   * (binds a low port, writes or chowns root-owned paths), and what to use instead.
   */
  readonly needsRoot?: string;
  /** The TCP port it listens on by default, if it serves. */
  readonly port?: number;
  /** How the port is changed, when it can be: an argument or env var, read from the container. */
  readonly portFrom?: { readonly arg?: string; readonly env?: string };
  /** Paths it writes at run time: under readOnlyRootFilesystem each needs a writable volume. */
  readonly writes: readonly string[];
  /** An env var that moves the first of `writes` (PGDATA). */
  readonly writesFrom?: string;
  /** Whether what it does depends on the command it is given (a shell image). */
  readonly runsCommand?: boolean;
  /** Where the facts come from: the image's Dockerfile or documentation. */
  readonly source: string;
}

export const IMAGE_FACTS: readonly ImageFacts[] = [
  {
    repository: 'nginx', user: 'root', port: 80, writes: ['/var/cache/nginx', '/var/run'],
    needsRoot: 'its master process runs as root to bind port 80 and to create /var/cache/nginx; as a non-root user it exits. Use nginxinc/nginx-unprivileged (uid 101, port 8080, writes /tmp)',
    source: 'https://github.com/nginxinc/docker-nginx/blob/master/mainline/debian/Dockerfile (EXPOSE 80, /var/cache/nginx) and https://hub.docker.com/_/nginx ("Running nginx as a non-root user")',
  },
  {
    repository: 'nginxinc/nginx-unprivileged', user: 101, port: 8080, writes: ['/tmp'],
    source: 'https://github.com/nginxinc/docker-nginx-unprivileged#readme (listens on 8080, runs as uid 101, pid and temp files in /tmp)',
  },
  {
    repository: 'httpd', user: 'root', port: 80, writes: ['/usr/local/apache2/logs'],
    needsRoot: 'httpd starts as root to bind port 80 and switches its workers to the daemon user; as a non-root user it cannot bind 80. Change Listen in httpd.conf to 8080 and mount /usr/local/apache2/logs, or use an image built to run unprivileged',
    source: 'https://github.com/docker-library/httpd/blob/master/2.4/Dockerfile (EXPOSE 80, logs and pid under /usr/local/apache2/logs) and https://hub.docker.com/_/httpd',
  },
  {
    repository: 'postgres', tags: /alpine/, user: 70, port: 5432, writes: ['/var/lib/postgresql/data', '/var/run/postgresql'], writesFrom: 'PGDATA',
    source: 'https://github.com/docker-library/postgres/blob/master/17/alpine3.22/Dockerfile (user postgres is uid 70, EXPOSE 5432, PGDATA /var/lib/postgresql/data, /var/run/postgresql) and https://hub.docker.com/_/postgres ("Arbitrary --user Notes")',
  },
  {
    repository: 'postgres', user: 999, port: 5432, writes: ['/var/lib/postgresql/data', '/var/run/postgresql'], writesFrom: 'PGDATA',
    source: 'https://github.com/docker-library/postgres/blob/master/17/bookworm/Dockerfile (user postgres is uid 999, EXPOSE 5432, PGDATA /var/lib/postgresql/data) and https://hub.docker.com/_/postgres',
  },
  {
    repository: 'mysql', user: 999, port: 3306, writes: ['/var/lib/mysql', '/var/run/mysqld'],
    source: 'https://github.com/docker-library/mysql/blob/master/8.4/Dockerfile.oracle (user mysql is uid 999, EXPOSE 3306, /var/lib/mysql, /var/run/mysqld) and https://hub.docker.com/_/mysql',
  },
  {
    repository: 'redis', user: 999, port: 6379, writes: ['/data'],
    source: 'https://github.com/docker-library/redis/blob/master/7.4/debian/Dockerfile (user redis is uid 999, WORKDIR and VOLUME /data, EXPOSE 6379) and https://hub.docker.com/_/redis',
  },
  {
    repository: 'busybox', user: 'root', writes: [], runsCommand: true,
    source: 'https://hub.docker.com/_/busybox (no USER: the shell runs as root; any uid works for commands that write only to volumes)',
  },
  {
    repository: 'curlimages/curl', user: 100, writes: [], runsCommand: true,
    source: 'https://github.com/curl/curl-container/blob/main/Dockerfile (USER curl_user, uid 100)',
  },
  {
    repository: 'traefik/whoami', user: 'root', port: 80, portFrom: { arg: '--port', env: 'WHOAMI_PORT_NUMBER' }, writes: [],
    source: 'https://github.com/traefik/whoami#readme (--port, default 80, or WHOAMI_PORT_NUMBER; a static binary that runs as any uid on a port of 1024 or above)',
  },
  {
    repository: 'miniflux/miniflux', user: 65534, port: 8080, portFrom: { env: 'LISTEN_ADDR' }, writes: [],
    source: 'https://github.com/miniflux/v2/blob/main/packaging/docker/alpine/Dockerfile (USER 65534, EXPOSE 8080, LISTEN_ADDR 0.0.0.0:8080) and https://miniflux.app/docs/configuration.html',
  },
];

/** `nginx` for `docker.io/library/nginx:1.27`, and its tag. */
export function splitImage(image: string): { repository: string; tag: string } {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : 'latest';
  return { repository: repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, ''), tag };
}

/** The facts the validator has for an image, if any. */
export function factsOf(image: string): ImageFacts | undefined {
  const { repository, tag } = splitImage(image);
  return IMAGE_FACTS.find((f) => f.repository === repository && (!f.tags || f.tags.test(tag)));
}
