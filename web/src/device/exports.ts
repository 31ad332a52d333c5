import { createAlertSlot, messageOf } from '../alert';
import { apiUrl, Session } from '../api';
import { element, titledSection } from '../dom';
import { exportFileName, rangeQuery, type TimeRange } from './time-range';

/** The positions route's file formats; each is also the file's extension. */
const FORMATS = [
  { format: 'csv', name: 'CSV' },
  { format: 'gpx', name: 'GPX' },
  { format: 'geojson', name: 'GeoJSON' },
] as const;

/** Some browsers read a blob URL only after `click()` has returned: revoking at once can cancel. */
const REVOKE_AFTER_MS = 10_000;

/** The Download buttons: each saves the shown range in one format, through the session. */
export interface Exports {
  element: HTMLElement;
  /** The range the buttons download; none (buttons disabled) while the inputs name no range. */
  setRange(range: TimeRange | null): void;
}

function save(blob: Blob, fileName: string, container: HTMLElement): void {
  const url = URL.createObjectURL(blob);
  const link = element('a', { href: url, download: fileName, hidden: true });
  container.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

export function createExports(session: Session, deviceId: string, signal: AbortSignal): Exports {
  const buttons = element('div', { class: 'device-exports__buttons' });
  const status = element('p', { role: 'status' });
  const failure = createAlertSlot();
  const section = titledSection('device-exports', 'Export', buttons, status, failure.element);

  const path = `/devices/${encodeURIComponent(deviceId)}/positions`;
  const downloading = new Set<HTMLButtonElement>();
  let range: TimeRange | null = null;

  function updateButtons(): void {
    for (const button of buttons.querySelectorAll('button')) {
      button.disabled = !range || downloading.has(button);
    }
  }

  async function download(
    button: HTMLButtonElement,
    { format, name }: (typeof FORMATS)[number],
  ): Promise<void> {
    if (!range) return;
    const fileName = exportFileName(deviceId, range, format);
    downloading.add(button);
    updateButtons();
    failure.clear();
    status.textContent = `Downloading ${name}…`;
    try {
      const response = await session.fetch(apiUrl(path, { format, ...rangeQuery(range) }), {
        signal,
      });
      if (!response.ok) throw await Session.errorOf(response);
      save(await response.blob(), fileName, section);
      status.textContent = `Saved ${fileName}`;
    } catch (error) {
      if (signal.aborted) return;
      status.textContent = '';
      failure.show(`${name} download failed: ${messageOf(error)}`);
    } finally {
      downloading.delete(button);
      updateButtons();
    }
  }

  for (const format of FORMATS) {
    const button = element('button', { type: 'button' }, `Download ${format.name}`);
    button.addEventListener('click', () => void download(button, format));
    buttons.append(button);
  }

  return {
    element: section,
    setRange(next) {
      range = next;
      // What the last download said was about another range.
      status.textContent = '';
      failure.clear();
      updateButtons();
    },
  };
}
