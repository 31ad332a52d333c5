export type Attributes = Record<string, string | number | boolean | undefined>;

/**
 * A new element with its attributes (`true` writes an empty one; `false` and undefined none)
 * and children: what the views build their markup with, no framework needed.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/**
 * A `<section>` named by its own `<h2>` (whose id is `<className>-title`), so assistive
 * technology lists it as a region of that name.
 */
export function titledSection(
  className: string,
  title: string,
  ...children: (Node | string)[]
): HTMLElement {
  const titleId = `${className}-title`;
  return element(
    'section',
    { class: className, 'aria-labelledby': titleId },
    element('h2', { id: titleId }, title),
    ...children,
  );
}
