/**
 * HTMLElement where there is one. The bundle also runs as the decoding
 * worker, where HTMLElement does not exist and `class … extends HTMLElement`
 * would throw as the module loads; there the elements are never defined.
 */
export const ElementBase: typeof HTMLElement = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

/**
 * Gives an element's class properties that reflect its string attributes, as
 * `<img>`'s `src` and `alt` do: reading one gives the attribute ('' where it
 * is absent), writing one sets the attribute, and the element reacts to that
 * as to markup. (The class declares them for TypeScript.)
 */
export function reflectAttributes(element: typeof ElementBase, names: readonly string[]): void {
  for (const name of names) {
    Object.defineProperty(element.prototype, name, {
      configurable: true,
      enumerable: true,
      get(this: HTMLElement): string {
        return this.getAttribute(name) ?? '';
      },
      set(this: HTMLElement, value: unknown) {
        this.setAttribute(name, String(value));
      },
    });
  }
}

/**
 * Takes over values set on an element before its class was defined (a page or framework that sets `el.src` before
 * the module runs): they sit on the element itself, hiding the class's property, so they are removed and set again
 * through it. Call it as the element connects.
 */
export function upgradeProperties(element: HTMLElement, names: readonly string[]): void {
  for (const name of names) {
    if (!Object.hasOwn(element, name)) continue;
    const value: unknown = (element as unknown as Record<string, unknown>)[name];
    delete (element as unknown as Record<string, unknown>)[name];
    (element as unknown as Record<string, unknown>)[name] = value;
  }
}
