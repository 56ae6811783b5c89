import { filterShapeOf } from '../kernels/post-filter.js';
import { RESIDUAL_STEP_UNIT, stepGrowth } from '../kernels/residual.js';
import { DEFLATED_HEADER_VERSION_MAJOR, SHARED_CONTEXTS_VERSION_MAJOR, UNIT_SCALES_VERSION_MAJOR, fileParameters, findGrid, gridAxisEdges, inspectSnf, metadataSizes, type SnfFile } from '../format/index.js';
import { formatPsnr, reportPsnr } from '../metrics/psnr.js';
import { printable } from './words.js';

/** What the major version says of how the file is stored (spec §2.2), for the format line. */
function formatNotes(major: number, headerMapBytes: number): string {
  const notes = [
    ...(major >= DEFLATED_HEADER_VERSION_MAJOR ? [`header deflated from ${headerMapBytes} bytes`] : []),
    ...(major >= SHARED_CONTEXTS_VERSION_MAJOR ? ['streams with shared contexts'] : []),
    ...(major >= UNIT_SCALES_VERSION_MAJOR ? ['steps per unit'] : []),
  ];
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}

/**
 * The tiles of an image of more than one network whose regions are a grid
 * (spec §3.5): columns × rows and, for a grid with cuts, the inner edges on
 * each axis. Undefined otherwise.
 */
function imageTiles(file: SnfFile): { columns: number; rows: number; xs?: number[]; ys?: number[] } | undefined {
  const header = file.header;
  if (header.kind !== 'image' || file.networks.length < 2) return undefined;
  const sizes = [header.width, header.height];
  const grid = findGrid(sizes, file.networks.map((network) => network.region));
  if (grid === undefined) return undefined;
  const [columns = 1, rows = 1] = grid;
  if (grid.length === 2) return { columns, rows };
  const [xs = [], ys = []] = gridAxisEdges(sizes, grid).map((edges) => edges.slice(1, -1));
  return { columns, rows, xs, ys };
}

/** What `snfc info` shows: the signal, the networks and the coding gain over fp16. */
export function describeSnf(bytes: Uint8Array, file: SnfFile): Record<string, unknown> & { text: string } {
  const header = file.header;
  const params = fileParameters(file);
  const payload = file.networks.reduce((sum, network) => sum + network.bytes, 0);
  const fp16Bytes = params * 2;
  const signal = header.kind === 'image'
    ? `image ${header.width}x${header.height} ${header.layout}`
    : `audio ${(header.length / header.sampleRate).toFixed(3)} s, ${header.length} samples x ${header.channels} ch @ ${header.sampleRate} Hz`;
  const pixels = header.kind === 'image' ? header.width * header.height : undefined;
  // Audio: duration and the whole file's rate in kilobits per second of audio (what --kbps aims at).
  const audio = header.kind === 'audio'
    ? { duration: header.length / header.sampleRate, sampleRate: header.sampleRate, channels: header.channels, segments: file.networks.length, kbps: (bytes.length * 8 * header.sampleRate) / header.length / 1000 }
    : undefined;
  const archs = file.networks.map((n) => `${n.arch.width}x${n.arch.depth} ω=${n.arch.omega}${(n.arch.fourier ?? 0) > 0 ? ` fourier ${n.arch.fourier}` : ''}`);
  const bits = [...new Set(file.networks.flatMap((n) => n.tensors.map((t) => t.bits)))].sort((a, b) => a - b);
  const summary = {
    // Bytes 8 and 9 (spec §2.2): the major and minor version, which say what a reader must implement.
    kind: header.kind, format: `${bytes[8]}.${bytes[9]}`, signal, bytes: bytes.length, payloadBytes: payload, headerBytes: bytes.length - payload,
    // The header's MessagePack map, which files from version 3 store deflated (spec §2.2).
    headerMapBytes: inspectSnf(bytes).headerMapBytes,
    networks: file.networks.length, params, bits, fp16Bytes, ratioToFp16: bytes.length / fp16Bytes,
    bpp: pixels ? (bytes.length * 8) / pixels : undefined, ...audio, tiles: imageTiles(file),
    // A clip of one segment has no join to cross-fade: its overlap is 0, stated, as encode --json states it.
    overlap: header.blend?.overlap ?? (header.kind === 'audio' ? [0] : undefined),
    filter: header.kind === 'image' && header.filter !== undefined ? filterShapeOf(header.filter) : undefined,
    residual: header.kind === 'image' && header.residual !== undefined ? {
      lumaCoefficients: header.residual.lumaCoefficients, chromaCoefficients: header.residual.chromaCoefficients,
      lumaStep: header.residual.lumaStep * RESIDUAL_STEP_UNIT, chromaStep: header.residual.chromaStep * RESIDUAL_STEP_UNIT,
      // The step's growth with frequency (spec §3.11 `g`) at v + u = 7, midway along the block's diagonals.
      stepAtFrequency7: stepGrowth(header.residual.gradient ?? 0, 7),
      // Steps that grow with the field's activity (spec §3.11 `a`, `e`): σ₀ in levels and the exponent.
      adaptive: header.residual.adaptive === undefined ? undefined
        : { sigma: header.residual.adaptive.sigma, exponent: header.residual.adaptive.exponent / 16 },
      nonzero: header.residual.values.reduce((count, q) => count + (q !== 0 ? 1 : 0), 0),
    } : undefined,
    // The second filter, after the residual (spec §3.12).
    finalFilter: header.kind === 'image' && header.finalFilter !== undefined ? filterShapeOf(header.finalFilter) : undefined,
    // A file may record +Infinity (an exact fit, spec §3.7); JSON would print it as null.
    train: header.train?.psnr === undefined ? header.train : { ...header.train, ...reportPsnr(header.train.psnr) },
    metadata: header.metadata === undefined ? undefined : metadataSizes(header.metadata),
  };
  // §3.5: blended networks reach `overlap` units past their cells and are cross-faded there.
  const blend = header.blend === undefined || header.blend.overlap.every((o) => o === 0)
    ? '' : `; blended, overlapping ${header.blend.overlap.join('x')} ${header.kind === 'image' ? 'px' : 'samples'}`;
  const lines = [
    `signal:    ${signal}`,
    `size:      ${bytes.length} bytes${pixels ? ` (${summary.bpp!.toFixed(3)} bpp)` : ''}${audio ? ` (${audio.kbps.toFixed(1)} kbps)` : ''}; payload ${payload}, header+container ${summary.headerBytes}`,
    `format:    snf ${summary.format}${formatNotes(bytes[8]!, summary.headerMapBytes)}`,
    `networks:  ${file.networks.length}${audio ? (file.networks.length === 1 ? ' segment' : ' segments') : ''} (${[...new Set(archs)].join(', ')})${blend}, ${params} parameters at ${bits.join('/')} bits`,
    ...(summary.tiles ? [`tiles:     ${summary.tiles.columns}x${summary.tiles.rows}${summary.tiles.xs === undefined ? ', equal'
      : `, inner edges at x ${summary.tiles.xs.join(' ')}, y ${summary.tiles.ys!.join(' ')} (a grid with cuts)`}`] : []),
    ...(summary.filter ? [`filter:    restoration, ${filterShapeText(summary.filter)}`] : []),
    ...(summary.residual ? [`residual:  DCT of 8x8 blocks, ${summary.residual.lumaCoefficients} luma${summary.residual.chromaCoefficients > 0 ? ` and ${summary.residual.chromaCoefficients} chroma` : ''} coefficients a block, step ${summary.residual.lumaStep} levels${summary.residual.stepAtFrequency7 > 1 ? ` (${summary.residual.stepAtFrequency7}x at frequency 7)` : ''}${residualAdaptation(summary.residual.adaptive)}, ${summary.residual.nonzero} nonzero`] : []),
    ...(summary.finalFilter ? [`final:     restoration after the residual, ${filterShapeText(summary.finalFilter)}`] : []),
    `vs fp16:   ${fp16Bytes} bytes raw fp16 -> ${(100 * summary.ratioToFp16).toFixed(1)}% (${fp16Bytes >= bytes.length ? `${(fp16Bytes / bytes.length).toFixed(2)}x smaller` : `${(bytes.length / fp16Bytes).toFixed(2)}x larger, header and residual included`})`,
  ];
  const train = header.train;
  lines.push(train
    ? `training:  ${train.steps} steps${train.batch === undefined ? '' : ` of ${train.batch} points`}, α=${train.alpha}, lr=${train.lr}${train.schedule === undefined ? '' : ` (${printable(train.schedule)})`}, seed ${train.seed}, ${printable(String(train.engine))}, ${train.psnr === undefined ? 'PSNR not recorded' : `${formatPsnr(train.psnr)} at encode`}`
    : 'training:  not recorded (encode with --metadata to keep it)');
  // Photo metadata (spec §3.8) is an image matter; an audio file never has it.
  if (header.kind === 'image' || summary.metadata) {
    lines.push(summary.metadata
      ? `metadata:  ${summary.metadata.map((m) => `${m.kind.toUpperCase()} ${m.size} bytes (${m.stored} deflated)`).join(', ')}`
      : 'metadata:  none (encode with --keep-metadata to keep EXIF, ICC and XMP)');
  }
  return { ...summary, text: lines.join('\n') };
}

/** How `info` says that a residual's steps grow with the field's activity (spec §3.11 `a`, `e`), or nothing. */
function residualAdaptation(adaptive: { sigma: number; exponent: number } | undefined): string {
  return adaptive === undefined ? '' : `, coarser where the field is busy (× (1 + σ²/${adaptive.sigma}²)^${adaptive.exponent})`;
}

/** `2 classes × 5 directions, taps within 3 px (1 px across channels)`. */
function filterShapeText(filter: ReturnType<typeof filterShapeOf>): string {
  return `${filter.classes} class${filter.classes > 1 ? 'es' : ''}${filter.directions > 1 ? ` × ${filter.directions} directions` : ''}, taps within ${filter.radius} px${filter.cross > 0 ? ` (${filter.cross} px across channels)` : ''}${filter.clipped ? ', clipped' : ''}`;
}
