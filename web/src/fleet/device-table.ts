import { element } from '../dom';
import { deviceHref } from '../routes';
import { COLUMNS, type ColumnKey } from './columns';
import type { FleetDevice } from './fleet-device';
import type { Sort } from './fleet-store';

/** Every row (the header too) is this tall, so a row's place is its index times it. */
const ROW_HEIGHT = 36;
/** Rows rendered beyond each edge of the viewport, so a scroll shows no blank before a repaint. */
const OVERSCAN = 8;

export interface DeviceTableActions {
  select(device: FleetDevice): void;
  open(device: FleetDevice): void;
  sort(key: ColumnKey): void;
}

/** A rendered row: one of a small pool, showing whichever device its slot holds now. */
interface RowView {
  element: HTMLDivElement;
  cells: HTMLElement[];
  link: HTMLAnchorElement;
  texts: string[];
  device: FleetDevice | null;
  index: number;
}

/**
 * The device table: an ARIA grid, virtualised. However many devices match, only the rows in view
 * (and a few beyond) are in the DOM, placed in a body as tall as all rows would be, so the
 * scrollbar tells the truth. The grid itself takes the focus and points at the selected row with
 * aria-activedescendant; the arrow keys, Page Up/Down and Home/End move the selection, Enter opens
 * it. A repaint only rewrites the texts and attributes that changed.
 */
export class DeviceTable {
  readonly element: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly headers = new Map<ColumnKey, { header: HTMLElement; arrow: HTMLElement }>();
  private readonly pool: RowView[] = [];
  private order: readonly FleetDevice[] = [];
  private selected: FleetDevice | undefined;
  private onlineOf: (device: FleetDevice) => boolean = () => false;
  private viewportHeight = 0;
  private paintRequested = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor(private readonly actions: DeviceTableActions) {
    const headerRow = element('div', { role: 'row', 'aria-rowindex': 1, class: 'row' });
    for (const column of COLUMNS) {
      // The arrow shows what aria-sort tells, outside the button's name.
      const arrow = element('span', { class: 'sort-arrow', 'aria-hidden': 'true' });
      const button = element('button', { type: 'button' }, column.label, arrow);
      button.addEventListener('click', () => actions.sort(column.key));
      const header = element(
        'div',
        { role: 'columnheader', 'aria-sort': 'none', class: `cell col-${column.key}` },
        button,
      );
      this.headers.set(column.key, { header, arrow });
      headerRow.append(header);
    }
    this.body = element('div', { role: 'rowgroup', class: 'grid-body' });
    this.element = element(
      'div',
      { role: 'grid', 'aria-label': 'Devices', 'aria-rowcount': 1, tabindex: 0, class: 'grid' },
      element('div', { role: 'rowgroup', class: 'grid-head' }, headerRow),
      this.body,
    );
    this.element.style.setProperty('--row-height', `${ROW_HEIGHT}px`);

    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('scroll', () => this.requestPaint(), { passive: true });
    this.body.addEventListener('click', (event) => {
      const target = event.target as Element;
      // The IMEI link opens the device by itself.
      if (target.closest('a')) return;
      const row = this.pool.find((view) => view.element.contains(target));
      if (row?.device) this.choose(row.device);
    });
    this.resizeObserver = new ResizeObserver(([entry]) => {
      this.viewportHeight = entry.contentRect.height;
      this.requestPaint();
    });
    this.resizeObserver.observe(this.element);
  }

  setSort({ key, direction }: Sort): void {
    for (const [columnKey, { header, arrow }] of this.headers) {
      const sorted = columnKey === key;
      header.setAttribute('aria-sort', sorted ? direction : 'none');
      arrow.textContent = sorted ? (direction === 'ascending' ? '▲' : '▼') : '';
    }
  }

  /** Shows `order` (the devices matching the search, sorted); paints now, only rows in view. */
  render(
    order: readonly FleetDevice[],
    selected: FleetDevice | undefined,
    onlineOf: (device: FleetDevice) => boolean,
  ): void {
    this.order = order;
    this.selected = selected;
    this.onlineOf = onlineOf;
    this.paint();
  }

  /** Scrolls as little as needed to show the row at `index` (in the current order). */
  reveal(index: number): void {
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const rowsHeight = this.viewportHeight - ROW_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + rowsHeight) {
      this.element.scrollTop = top + ROW_HEIGHT - rowsHeight;
    }
    this.paint();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.paintRequested);
  }

  private requestPaint(): void {
    if (this.paintRequested) return;
    this.paintRequested = requestAnimationFrame(() => {
      this.paintRequested = 0;
      this.paint();
    });
  }

  private paint(): void {
    const count = this.order.length;
    const scrollTop = this.element.scrollTop;
    const rowsHeight = Math.max(0, this.viewportHeight - ROW_HEIGHT);
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(count, Math.ceil((scrollTop + rowsHeight) / ROW_HEIGHT) + OVERSCAN);
    const slots = Math.ceil(rowsHeight / ROW_HEIGHT) + 2 * OVERSCAN + 1;
    while (this.pool.length < slots) this.pool.push(this.createRow(this.pool.length));

    this.element.setAttribute('aria-rowcount', String(count + 1));
    this.body.style.height = `${count * ROW_HEIGHT}px`;
    let active: RowView | undefined;
    // A device's row keeps its slot while it scrolls (slot = index modulo the pool), so scrolling
    // one row rewrites one row.
    const shown = new Set<RowView>();
    for (let index = first; index < end; index++) {
      const view = this.pool[index % this.pool.length];
      this.fill(view, index, this.order[index]);
      shown.add(view);
      if (view.device === this.selected) active = view;
    }
    for (const view of this.pool) {
      if (shown.has(view)) {
        if (!view.element.isConnected) this.body.append(view.element);
      } else if (view.element.isConnected) {
        view.element.remove();
        view.device = null;
      }
    }
    if (active) this.element.setAttribute('aria-activedescendant', active.element.id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private createRow(slot: number): RowView {
    const link = element('a', { tabindex: -1 });
    const cells = COLUMNS.map((column) =>
      element('div', { role: 'gridcell', class: `cell col-${column.key}` }),
    );
    cells[0].append(link);
    const row = element('div', { role: 'row', id: `device-row-${slot}`, class: 'row' }, ...cells);
    return { element: row, cells, link, texts: [], device: null, index: -1 };
  }

  private fill(view: RowView, index: number, device: FleetDevice): void {
    const row = view.element;
    if (view.index !== index) {
      view.index = index;
      row.setAttribute('aria-rowindex', String(index + 2));
      row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    }
    if (view.device !== device) {
      view.device = device;
      row.dataset.deviceId = device.deviceId;
      view.link.href = deviceHref(device.deviceId);
    }
    row.setAttribute('aria-selected', String(device === this.selected));
    const online = this.onlineOf(device);
    row.classList.toggle('is-offline', !online);
    COLUMNS.forEach((column, i) => {
      const text = column.text(device, online);
      if (view.texts[i] === text) return;
      view.texts[i] = text;
      if (i === 0) {
        view.link.textContent = text;
        return;
      }
      view.cells[i].textContent = text;
      // A narrow column cuts its text with an ellipsis (a status's name, say): hovering shows it all.
      view.cells[i].title = text;
    });
  }

  private onKeyDown(event: KeyboardEvent): void {
    // Keys on the sort buttons are theirs.
    if (event.target !== this.element || this.order.length === 0) return;
    const last = this.order.length - 1;
    const current = this.selected ? this.order.indexOf(this.selected) : -1;
    const page = Math.max(1, Math.floor((this.viewportHeight - ROW_HEIGHT) / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = current + 1;
        break;
      case 'ArrowUp':
        next = current < 0 ? 0 : current - 1;
        break;
      case 'PageDown':
        next = current + page;
        break;
      case 'PageUp':
        next = current - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
      case 'Enter':
        if (this.selected && current >= 0) this.actions.open(this.selected);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    next = Math.min(last, Math.max(0, next));
    this.choose(this.order[next]);
    this.reveal(next);
  }

  /**
   * Selects a device from the table: shown at once (the next key press moves on from it, even
   * before the view's next frame), and told to the view.
   */
  private choose(device: FleetDevice): void {
    this.selected = device;
    this.paint();
    this.actions.select(device);
  }
}
