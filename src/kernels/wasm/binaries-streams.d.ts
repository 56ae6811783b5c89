// Declaration of the module that scripts/build-wasm.mjs generates into
// dist/src/kernels/wasm/binaries-streams.js from assembly/streams.ts.
/** The scalar WASM build of the streams' range decoding, base64-encoded (about 1.6 KB). */
export declare const binaries: {
  readonly scalar: string;
};
