// The decoder's kernels: the entry of the decode-only WASM builds that the web
// page's bundle embeds (scripts/build-wasm.mjs, scripts/web-bundles.mjs).
// AssemblyScript compiles only what an entry exports, so these builds leave
// out the training kernels (gemmTN, adam, the factored first layer, …), about
// a third of the bytes; the kernel table fills the slots they lack from the
// TypeScript kernels, which a decoder never calls.
// The residual's kernels (residualSums, residualRows) are left out too: their 1.1 KB of the gzipped bundle would take a
// page's decoder over issue 12's 40 KB, so a page adds the residual in TypeScript (src/kernels/residual.ts).
export { gemmNN, rowSin, filterSets, filterRgb } from './kernels';
