/**
 * HTMLElement where there is one. The bundle also runs as the decoding
 * worker, where HTMLElement does not exist and `class … extends HTMLElement`
 * would throw as the module loads; there the elements are never defined.
 */
export const ElementBase: typeof HTMLElement = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;
