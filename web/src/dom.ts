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
