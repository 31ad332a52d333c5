import type { Session } from './api';
import { element } from './dom';
import type { LiveState, LiveStream } from './live';

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

export interface Shell {
  /** Where the views go. */
  view: HTMLElement;
  unmount(): void;
}

/** The signed-in page's frame: the tenant, the live stream's state and Sign out above the view. */
export function mountShell(root: HTMLElement, session: Session, live: LiveStream): Shell {
  const status = element('span', { id: 'live-status', role: 'status' });
  const showState = (state: LiveState) => {
    status.dataset.state = state;
    status.textContent = LIVE_TEXT[state];
  };
  showState(live.state);
  const stopWatching = live.onState(showState);

  const signOut = element('button', { type: 'button', class: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => session.signOut());

  const view = element('main', { id: 'view', tabindex: -1 });
  root.replaceChildren(
    element(
      'header',
      { class: 'shell-header' },
      element('a', { class: 'brand', href: '#/' }, 'FleetHub'),
      element('span', { class: 'tenant' }, 'Tenant ', element('strong', {}, session.tenant)),
      status,
      signOut,
    ),
    view,
  );
  return {
    view,
    unmount() {
      stopWatching();
      root.replaceChildren();
    },
  };
}
