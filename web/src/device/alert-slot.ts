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
  const element = document.createElement('div');
  element.className = 'device-alert-slot';
  return {
    element,
    show(text) {
      const alert = document.createElement('p');
      alert.className = 'device-alert';
      alert.setAttribute('role', 'alert');
      alert.textContent = text;
      element.replaceChildren(alert);
    },
    clear() {
      element.replaceChildren();
    },
  };
}
