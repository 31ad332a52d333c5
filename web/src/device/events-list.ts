import { element, titledSection } from '../dom';
import { formatTime } from '../format';
import type { DeviceEvent } from '../types';

/**
 * The range's events as a list of buttons, one Tab stop for the whole list (arrow keys, Home and
 * End move within it), so a long list does not stand between the keyboard and the rest of the page.
 */
export interface EventsList {
  element: HTMLElement;
  append(events: readonly DeviceEvent[]): void;
  /** Every page is in: say how many, or that there are none. */
  finish(): void;
  clear(): void;
  /** A word about the chosen event (e.g. that there is no position to show for it). */
  note(text: string): void;
}

const KEY_MOVES: Record<string, (index: number, last: number) => number> = {
  ArrowDown: (index, last) => Math.min(index + 1, last),
  ArrowUp: (index) => Math.max(index - 1, 0),
  Home: () => 0,
  End: (_index, last) => last,
};

function eventButton(event: DeviceEvent, index: number): HTMLButtonElement {
  const button = element(
    'button',
    { type: 'button', 'data-index': index, tabindex: -1 },
    element('time', { datetime: event.occurredAt }, formatTime(event.occurredAt)),
    ' ',
    element('span', { class: 'device-events__type' }, event.type),
  );
  if (event.code !== null) {
    button.append(' ', element('span', { class: 'device-events__code' }, event.code));
  }
  return button;
}

export function createEventsList(onChoose: (event: DeviceEvent) => void): EventsList {
  const count = element('p', { role: 'status' });
  const remark = element('p', { class: 'device-events__note', 'aria-live': 'polite' });
  const list = element('ul', { 'aria-label': 'Events' });
  const section = titledSection('device-events', 'Events', count, list, remark);

  const events: DeviceEvent[] = [];
  const buttons: HTMLButtonElement[] = [];
  let tabStop: HTMLButtonElement | undefined;

  function makeTabStop(button: HTMLButtonElement): void {
    if (tabStop) tabStop.tabIndex = -1;
    button.tabIndex = 0;
    tabStop = button;
  }

  function indexOf(target: EventTarget | null): number {
    const button = target instanceof Element ? target.closest('button') : null;
    return button && list.contains(button) ? Number(button.dataset.index) : -1;
  }

  list.addEventListener('click', (click) => {
    const index = indexOf(click.target);
    if (index < 0) return;
    tabStop?.removeAttribute('aria-current');
    makeTabStop(buttons[index]);
    buttons[index].setAttribute('aria-current', 'true');
    remark.textContent = '';
    onChoose(events[index]);
  });
  list.addEventListener('keydown', (key) => {
    const move = KEY_MOVES[key.key];
    const index = indexOf(key.target);
    if (!move || index < 0) return;
    key.preventDefault();
    const target = buttons[move(index, buttons.length - 1)];
    makeTabStop(target);
    target.focus();
  });

  function clear(): void {
    events.length = 0;
    buttons.length = 0;
    tabStop = undefined;
    list.replaceChildren();
    count.textContent = '';
    remark.textContent = '';
  }
  clear();

  return {
    element: section,
    append(page) {
      const items = document.createDocumentFragment();
      for (const event of page) {
        const button = eventButton(event, events.length);
        items.append(element('li', {}, button));
        events.push(event);
        buttons.push(button);
      }
      list.append(items);
      if (!tabStop && buttons.length > 0) makeTabStop(buttons[0]);
      count.textContent = `${events.length} events so far…`;
    },
    finish() {
      count.textContent =
        events.length === 0
          ? 'No events in this range'
          : `${events.length} ${events.length === 1 ? 'event' : 'events'}`;
    },
    clear,
    note(text) {
      remark.textContent = text;
    },
  };
}
