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
