import { element } from './dom';

/** An error's text for the user: an ApiError's is the API's own message, word for word. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A place for an error message. The `role="alert"` element exists only while there is a message,
 * so the page never holds an empty alert, and each message is announced as it appears.
 */
export interface AlertSlot {
  element: HTMLElement;
  show(text: string): void;
  clear(): void;
}

export function createAlertSlot(): AlertSlot {
  const slot = element('div', { class: 'alert-slot' });
  return {
    element: slot,
    show(text) {
      slot.replaceChildren(element('p', { class: 'alert', role: 'alert' }, text));
    },
    clear() {
      slot.replaceChildren();
    },
  };
}
