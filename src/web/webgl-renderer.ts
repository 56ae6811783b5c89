import { layerShapes } from '../kernels/arch.js';
import { networkParams, type ImageHeader, type ImageSnfFile, type NetworkArch } from '../format/index.js';
import { axisSpan, firstLayerTable, shaderWeights } from './field-tables.js';
import { placements } from './placement.js';
import { correctedField } from '../kernels/render.js';
import { warmFilterKernels } from '../kernels/wasm/filter-kernel.js';
import type { RgbaPixels } from './rgba.js';

/**
 * The WebGL2 renderer: a fragment shader evaluates each network's field at
 * every output pixel of its frame, weighted, and adds it into a float
 * accumulator (additive blending); a last pass turns the sum into 8-bit
 * samples (spec §4.3) on the canvas. Overlapping networks (format 2.1)
 * therefore need nothing special: each pixel sums weight × field over the
 * networks that reach it. A restoration filter (format x.4) runs on the CPU
 * between the two, on the sums read back, with the residual (`correctSums`).
 *
 * Needs WebGL2 with EXT_color_buffer_float (a float render target);
 * `createWebglRenderer` returns undefined without it.
 */

/** Texels per row of the data texture (a power of two: the shader splits an index with & and >>). */
const DATA_WIDTH = 2048;
const DATA_SHIFT = 11;
/** Output pixels per draw call: keeps each GPU job short (a software GPU could trip Chrome's watchdog). */
const PIXELS_PER_DRAW = 1 << 18;

const VERTEX_SHADER = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

/** The field shader of one architecture: sizes are constants so the compiler can unroll. */
function fieldShader(q: number, depth: number): string {
  return `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
#define Q ${q}
uniform sampler2D uData;
uniform int uWeights;
uniform int uColumns;
uniform int uRows;
uniform ivec2 uFirst;
uniform float uOmega;
out vec4 outColor;
vec4 texel(int i) { return texelFetch(uData, ivec2(i & ${DATA_WIDTH - 1}, i >> ${DATA_SHIFT}), 0); }
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int c = uColumns + (p.x - uFirst.x) * (Q + 1);
  int r = uRows + (p.y - uFirst.y) * (Q + 1);
  vec4 h[Q];
  vec4 g[Q];
  for (int q = 0; q < Q; q++) h[q] = sin(uOmega * (texel(c + q) + texel(r + q)));
  int at = uWeights;
  for (int l = 1; l < ${depth}; l++) {
    for (int q = 0; q < Q; q++) {
      vec4 acc = texel(at + 4 * Q * Q + q);
      int w = at + 4 * Q * q;
      for (int i = 0; i < Q; i++) {
        vec4 hi = h[i];
        acc += hi.x * texel(w + 4 * i) + hi.y * texel(w + 4 * i + 1) + hi.z * texel(w + 4 * i + 2) + hi.w * texel(w + 4 * i + 3);
      }
      g[q] = sin(uOmega * acc);
    }
    for (int q = 0; q < Q; q++) h[q] = g[q];
    at += 4 * Q * Q + Q;
  }
  vec4 y = texel(at + 4 * Q);
  for (int i = 0; i < Q; i++) {
    vec4 hi = h[i];
    y += hi.x * texel(at + 4 * i) + hi.y * texel(at + 4 * i + 1) + hi.z * texel(at + 4 * i + 2) + hi.w * texel(at + 4 * i + 3);
  }
  outColor = texel(c + Q).x * texel(r + Q).x * y;
}`;
}

/** Sum of the fields to 8-bit samples (spec §4.3), expanded to RGBA, rows flipped to the canvas's top-down order. */
const OUTPUT_SHADER = `#version 300 es
precision highp float;
precision highp int;
uniform highp sampler2D uSum;
uniform int uHeight;
uniform int uChannels;
out vec4 outColor;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  vec4 s = clamp(floor((texelFetch(uSum, ivec2(p.x, uHeight - 1 - p.y), 0) + 1.0) * 0.5 * 255.0 + 0.5), 0.0, 255.0) / 255.0;
  outColor = uChannels == 1 ? vec4(s.xxx, 1.0) : uChannels == 2 ? vec4(s.xxx, s.y) : uChannels == 3 ? vec4(s.xyz, 1.0) : s;
}`;

const CHANNELS = { gray: 1, graya: 2, rgb: 3, rgba: 4 } as const;

interface Program {
  readonly program: WebGLProgram;
  readonly uniforms: Record<string, WebGLUniformLocation | null>;
}

export interface WebglRenderer {
  readonly name: 'webgl2';
  readonly canvas: HTMLCanvasElement;
  /** Renders `file` at `width` × `height` device pixels onto the canvas; resolves once the GPU has finished. */
  render(file: ImageSnfFile, width: number, height: number): Promise<void>;
  /** The pixels of the last render, as drawn (straight RGBA). */
  readPixels(): Promise<RgbaPixels>;
  dispose(): void;
}

/** One WebGL2 context with the field programs: draws a file into its drawing buffer. */
interface FieldGl {
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  /** Draws `file` at `width` × `height` into the drawing buffer (resizing the canvas). */
  draw(file: ImageSnfFile, width: number, height: number): void;
  /** Reads the drawing buffer right after `draw`, rows from the top. */
  read(): RgbaPixels;
  /** Resolves once the GPU has finished every command issued so far (polled, never blocking the page). */
  finish(): Promise<void>;
  /** Runs `job` after every job queued before it: a shared context's draw-finish-take must not interleave with another. */
  exclusive<T>(job: () => T | Promise<T>): Promise<T>;
  readonly lost: boolean;
}

/**
 * Browsers keep few WebGL contexts alive (Chrome 16): a page of many images
 * must not take one each. Where OffscreenCanvas has WebGL2, every element
 * draws with this one context and takes the result as an ImageBitmap into
 * its own 'bitmaprenderer' canvas (no copy).
 */
const shared = new Map<boolean, FieldGl | undefined>();

/**
 * A WebGL2 renderer, or undefined where WebGL2 or float render targets are
 * missing, or (unless `allowSoftware`) where the browser says WebGL2 would be
 * much slower than usual, or names a CPU rasterizer (SwiftShader,
 * llvmpipe), on which the WASM renderer is faster.
 */
export function createWebglRenderer(allowSoftware: boolean): WebglRenderer | undefined {
  if (typeof OffscreenCanvas === 'function') {
    if (!shared.get(allowSoftware) || shared.get(allowSoftware)!.lost) shared.set(allowSoftware, createFieldGl(new OffscreenCanvas(1, 1), allowSoftware));
    const canvas = document.createElement('canvas');
    const bitmaps = canvas.getContext('bitmaprenderer');
    const core = shared.get(allowSoftware);
    if (core && bitmaps) {
      let last: { file: ImageSnfFile; width: number; height: number } | undefined;
      return {
        name: 'webgl2',
        canvas,
        render: (file, width, height) => core.exclusive(async () => {
          core.draw(file, width, height);
          await core.finish();
          canvas.width = width;
          canvas.height = height;
          bitmaps.transferFromImageBitmap((core.canvas as OffscreenCanvas).transferToImageBitmap());
          last = { file, width, height };
        }),
        readPixels: () => core.exclusive(() => {
          if (!last) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
          // The shared context has drawn other elements since: draw this one again and read it.
          core.draw(last.file, last.width, last.height);
          return core.read();
        }),
        dispose() {},
      };
    }
  }
  const canvas = document.createElement('canvas');
  const own = createFieldGl(canvas, allowSoftware);
  if (!own) return undefined;
  let drawn = false;
  return {
    name: 'webgl2',
    canvas,
    async render(file, width, height) {
      own.draw(file, width, height);
      drawn = true;
      await own.finish();
    },
    // The drawing buffer is cleared once shown: `read` draws the last sum again first.
    readPixels: async () => (drawn ? own.read() : { width: 0, height: 0, data: new Uint8ClampedArray(0) }),
    dispose() {},
  };
}

function createFieldGl(canvas: HTMLCanvasElement | OffscreenCanvas, allowSoftware: boolean): FieldGl | undefined {
  const gl = canvas.getContext('webgl2', {
    premultipliedAlpha: false, antialias: false, depth: false, stencil: false, failIfMajorPerformanceCaveat: !allowSoftware,
  }) as WebGL2RenderingContext | null;
  if (!gl || !gl.getExtension('EXT_color_buffer_float')) return undefined;
  if (!allowSoftware && isSoftware(gl)) {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return undefined;
  }
  let lost = false;
  let queue: Promise<unknown> = Promise.resolve();
  canvas.addEventListener('webglcontextlost', () => {
    lost = true;
  });
  // Additive blending into 32-bit floats needs EXT_float_blend; 16-bit floats blend without it (±0.06 of a level).
  const sumFormat = gl.getExtension('EXT_float_blend') ? gl.RGBA32F : gl.RGBA16F;
  const programs = new Map<string, Program>();
  const output = link(gl, OUTPUT_SHADER, ['uSum', 'uHeight', 'uChannels']);
  const dataTexture = gl.createTexture();
  const sumTexture = gl.createTexture();
  const framebuffer = gl.createFramebuffer();
  let sumSize = '';
  let last: { channels: number; width: number; height: number } | undefined;

  const drawOutput = (): void => {
    if (!last) return;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, last.width, last.height);
    gl.disable(gl.BLEND);
    gl.disable(gl.SCISSOR_TEST);
    gl.useProgram(output.program);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, sumTexture);
    gl.uniform1i(output.uniforms.uSum!, 0);
    gl.uniform1i(output.uniforms.uHeight!, last.height);
    gl.uniform1i(output.uniforms.uChannels!, last.channels);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
  };

  return {
    canvas,
    get lost() {
      return lost || gl.isContextLost();
    },
    draw(file, width, height) {
      const { header } = file;
      const all = placements(file);
      // Lay out every network's weights and axis tables in one texel array.
      const chunks: Float32Array[] = [];
      let texels = 0;
      const push = (values: Float32Array): number => {
        const at = texels;
        chunks.push(values);
        texels += values.length / 4;
        return at;
      };
      const draws = file.networks.map((network, n) => {
        const arch = network.arch;
        const params = networkParams(network);
        const [x0, y0, x1, y1] = all[n]!.frame;
        const columns = axisSpan(header.width, width, x0, x1, all[n]!.weightX);
        const rows = axisSpan(header.height, height, y0, y1, all[n]!.weightY);
        return {
          arch, columns, rows,
          weights: push(shaderWeights(arch, params)),
          columnTable: push(firstLayerTable(arch, params, columns, 0, true)),
          rowTable: push(firstLayerTable(arch, params, rows, 1, false)),
        };
      });
      const dataRows = Math.max(1, Math.ceil(texels / DATA_WIDTH));
      if (dataRows > gl.getParameter(gl.MAX_TEXTURE_SIZE)) throw new Error(`the file needs ${texels} texels of weights and tables, more than this GPU's textures hold`);
      const data = new Float32Array(dataRows * DATA_WIDTH * 4);
      let at = 0;
      for (const chunk of chunks) {
        data.set(chunk, at);
        at += chunk.length;
      }
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, dataTexture);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, DATA_WIDTH, dataRows, 0, gl.RGBA, gl.FLOAT, data);
      setNearest(gl);

      canvas.width = width;
      canvas.height = height;
      if (sumSize !== `${width}x${height}`) {
        gl.bindTexture(gl.TEXTURE_2D, sumTexture);
        gl.texImage2D(gl.TEXTURE_2D, 0, sumFormat, width, height, 0, gl.RGBA, gl.FLOAT, null);
        setNearest(gl);
        sumSize = `${width}x${height}`;
      }
      gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, sumTexture, 0);
      if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) throw new Error('this GPU cannot render to a float texture');
      gl.viewport(0, 0, width, height);
      gl.disable(gl.SCISSOR_TEST);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.ONE, gl.ONE);
      gl.enable(gl.SCISSOR_TEST);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, dataTexture);
      // The filter's WASM kernels get compiled while the GPU draws (see warmFilterKernels).
      if (header.filter !== undefined || header.finalFilter !== undefined) warmFilterKernels();
      for (const draw of draws) {
        const { columns, rows } = draw;
        if (columns.count === 0 || rows.count === 0) continue;
        const program = programFor(draw.arch);
        gl.useProgram(program.program);
        const u = program.uniforms;
        gl.uniform1i(u.uData!, 0);
        gl.uniform1i(u.uWeights!, draw.weights);
        gl.uniform1i(u.uColumns!, draw.columnTable);
        gl.uniform1i(u.uRows!, draw.rowTable);
        gl.uniform2i(u.uFirst!, columns.first, rows.first);
        gl.uniform1f(u.uOmega!, draw.arch.omega);
        const band = Math.max(1, Math.floor(PIXELS_PER_DRAW / columns.count));
        for (let row = 0; row < rows.count; row += band) {
          gl.scissor(columns.first, rows.first + row, columns.count, Math.min(band, rows.count - row));
          gl.drawArrays(gl.TRIANGLES, 0, 3);
          gl.flush();
        }
      }
      if (header.filter !== undefined || header.residual !== undefined || header.finalFilter !== undefined) correctSums(header, CHANNELS[header.layout], width, height);
      last = { channels: CHANNELS[header.layout], width, height };
      drawOutput();
    },
    exclusive(job) {
      const run = queue.then(job);
      queue = run.catch(() => undefined);
      return run;
    },
    async finish() {
      const fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
      if (!fence) return;
      gl.flush();
      try {
        while (gl.clientWaitSync(fence, 0, 0) === gl.TIMEOUT_EXPIRED) await new Promise((resolve) => setTimeout(resolve, 4));
      } finally {
        gl.deleteSync(fence);
      }
    },
    read() {
      if (!last) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
      drawOutput();
      const data = new Uint8ClampedArray(last.width * last.height * 4);
      gl.readPixels(0, 0, last.width, last.height, gl.RGBA, gl.UNSIGNED_BYTE, data);
      // readPixels returns rows bottom-up.
      const rowBytes = last.width * 4;
      const flipped = new Uint8ClampedArray(data.length);
      for (let r = 0; r < last.height; r++) flipped.set(data.subarray(r * rowBytes, (r + 1) * rowBytes), (last.height - 1 - r) * rowBytes);
      return { width: last.width, height: last.height, data: flipped };
    },
  };

  /**
   * Runs the restoration filter (spec §4.6) over the summed field, adds
   * the DCT residual (spec §4.7) and runs the final filter (§4.8): the sums come back to the CPU as floats,
   * go through the kernels the WASM path uses, and return to the sum texture
   * that the output pass rounds. The sum texture is bound to the framebuffer
   * and its rows are the image's, top first.
   */
  function correctSums(header: ImageHeader, channels: number, width: number, height: number): void {
    gl!.disable(gl!.BLEND);
    gl!.disable(gl!.SCISSOR_TEST);
    const rgba = new Float32Array(width * height * 4);
    gl!.readPixels(0, 0, width, height, gl!.RGBA, gl!.FLOAT, rgba);
    const values = new Float32Array(width * height * channels);
    for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) values[i * channels + c] = rgba[i * 4 + c]!;
    const field = { width, height, channels, values };
    const scale = { x: width / header.width, y: height / header.height };
    const filtered = correctedField(field, scale, header);
    for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) rgba[i * 4 + c] = filtered[i * channels + c]!;
    gl!.bindTexture(gl!.TEXTURE_2D, sumTexture);
    gl!.texSubImage2D(gl!.TEXTURE_2D, 0, 0, 0, width, height, gl!.RGBA, gl!.FLOAT, rgba);
  }

  function programFor(arch: NetworkArch): Program {
    const q = Math.ceil(arch.width / 4);
    const key = `${q}/${arch.depth}`;
    let program = programs.get(key);
    if (!program) {
      // layerShapes checks the architecture is one the tables were laid out for.
      layerShapes(arch);
      program = link(gl!, fieldShader(q, arch.depth), ['uData', 'uWeights', 'uColumns', 'uRows', 'uFirst', 'uOmega']);
      programs.set(key, program);
    }
    return program;
  }
}

/**
 * Whether `gl` runs on a CPU rasterizer. Chromium's SwiftShader passes
 * `failIfMajorPerformanceCaveat`, so the renderer's name is asked too.
 */
function isSoftware(gl: WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /SwiftShader|llvmpipe|softpipe|lavapipe|Software|Basic Render/i.test(name);
}

function setNearest(gl: WebGL2RenderingContext): void {
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
}

function link(gl: WebGL2RenderingContext, fragment: string, names: readonly string[]): Program {
  const program = gl.createProgram();
  for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX_SHADER], [gl.FRAGMENT_SHADER, fragment]] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`WebGL2 shader does not compile: ${gl.getShaderInfoLog(shader) ?? ''}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`WebGL2 program does not link: ${gl.getProgramInfoLog(program) ?? ''}`);
  const uniforms: Record<string, WebGLUniformLocation | null> = {};
  for (const name of names) uniforms[name] = gl.getUniformLocation(program, name);
  return { program, uniforms };
}
