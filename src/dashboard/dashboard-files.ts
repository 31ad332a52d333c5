import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DashboardSettings } from '../config/app-config';
import { fillPageConfig } from './dashboard-page';

/** The directory of the built front end (`npm run build:web`); tests point it elsewhere. */
export const DASHBOARD_DIRECTORY = Symbol('DASHBOARD_DIRECTORY');

/**
 * `dist/web` of the project: found from the folder holding package.json above this file, which is
 * `dist/src/dashboard` when compiled and `src/dashboard` when the tests run the sources.
 */
export function locateDashboardBuild(from = __dirname): string {
  let directory = from;
  while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) {
    directory = dirname(directory);
  }
  return join(directory, 'dist', 'web');
}

/** A file the dashboard serves, read and prepared once. */
export interface DashboardFile {
  body: Buffer;
  /** The body gzipped, when that is smaller. */
  gzip?: Buffer;
  /** Its name's extension, which gives its Content-Type. */
  extension: string;
  cacheControl: string;
}

/** Hashed names (Vite's): a file's content never changes under its name. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** The page names the current assets: browsers ask again every time. */
const PAGE_CACHE = 'no-cache';

function dashboardFile(body: Buffer, extension: string, cacheControl: string): DashboardFile {
  const gzip = gzipSync(body, { level: 9 });
  return { body, extension, cacheControl, ...(gzip.length < body.length ? { gzip } : {}) };
}

/**
 * The files of the build by the path they are served at: `/` (the page, its config filled in) and
 * `/assets/<file>`. Undefined when the front end is not built.
 */
export function loadDashboardFiles(
  directory: string,
  settings: DashboardSettings,
): Map<string, DashboardFile> | undefined {
  const pageFile = join(directory, 'index.html');
  if (!existsSync(pageFile)) return undefined;
  const page = fillPageConfig(readFileSync(pageFile, 'utf8'), settings);
  const files = new Map([['/', dashboardFile(Buffer.from(page), '.html', PAGE_CACHE)]]);

  const assets = join(directory, 'assets');
  const entries = existsSync(assets)
    ? readdirSync(assets, { recursive: true, withFileTypes: true })
    : [];
  for (const entry of entries.filter((entry) => entry.isFile())) {
    const file = join(entry.parentPath, entry.name);
    const path = `/assets/${relative(assets, file).split(sep).join('/')}`;
    files.set(path, dashboardFile(readFileSync(file), extname(file), ASSET_CACHE));
  }
  return files;
}
