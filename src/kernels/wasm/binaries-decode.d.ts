// Declaration of the module that scripts/build-wasm.mjs generates into
// dist/src/kernels/wasm/binaries-decode.js from assembly/decode.ts.
/**
 * The decode-only WASM kernel builds, base64-encoded, under binaries.js's keys
 * (the shared-memory ones empty): the web page's decoder bundle takes this
 * module in place of binaries.js (scripts/web-bundles.mjs).
 */
export declare const binaries: {
  readonly simdShared: string;
  readonly simdUnshared: string;
  readonly relaxedShared: string;
  readonly relaxedUnshared: string;
};
