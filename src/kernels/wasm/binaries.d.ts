// Declaration of the module that scripts/build-wasm.mjs generates into
// dist/src/kernels/wasm/binaries.js from assembly/kernels.ts.
/** The WASM kernel builds, base64-encoded (see scripts/build-wasm.mjs). */
export declare const binaries: {
  readonly simdShared: string;
  readonly simdUnshared: string;
  readonly relaxedShared: string;
  readonly relaxedUnshared: string;
};
