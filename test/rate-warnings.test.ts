/** The rate `snfc encode` and `snfc batch` suggest for a starved network, against the residual's share at that rate. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUSY_DETAIL, DEFAULT_RESIDUAL_SHARE, defaultResidualShare } from '../src/encoder/image/image-defaults.js';
import { exactBelowRate, meanNetworksNotice, starvedNetwork, starvedNetworkReport } from '../src/node/rate-warnings.js';

// A 64x64 image at 1 bpp (512 bytes): 1,000 weights at 1 bit each, 300 bytes of header and a residual of 87 bytes.
const pixels = 64 * 64;
const starvedFile = { bytes: new Uint8Array(512), metadataBytes: 0, rateHit: true, params: 1000, bitsPerParam: 1, residualBytes: 87, detail: BUSY_DETAIL, psnr: 14 };
const networkBytesNeeded = 300 + 1000;

test('the rate suggested for a starved network leaves it its bytes after the residual\'s share at that rate', () => {
  for (const detail of [BUSY_DETAIL - 1, BUSY_DETAIL]) {
    const starved = starvedNetwork({ ...starvedFile, detail }, pixels);
    assert.ok(starved !== undefined);
    const share = defaultResidualShare(detail, starved.enoughBpp);
    // The default share grows above 1 bpp: the suggestion is above what a smooth photo's share up to 1 bpp would give, and enough.
    assert.ok(share > DEFAULT_RESIDUAL_SHARE, `share ${share} at ${starved.enoughBpp} bpp`);
    assert.ok(((1 - share) * starved.enoughBpp * pixels) / 8 >= networkBytesNeeded, `${starved.enoughBpp} bpp`);
    assert.ok(((1 - share) * (starved.enoughBpp - 0.2) * pixels) / 8 < networkBytesNeeded, `${starved.enoughBpp} bpp asks too much`);
  }
  // A --residual given keeps its share at any rate.
  const asked = starvedNetwork({ ...starvedFile, detail: BUSY_DETAIL }, pixels, 0.2)!;
  assert.equal(asked.enoughBpp, Math.ceil((networkBytesNeeded * 8 / pixels / 0.8) * 10) / 10);
  // A file with bits enough per weight, or off its rate, is not starved.
  assert.equal(starvedNetwork({ ...starvedFile, bitsPerParam: 6 }, pixels), undefined);
  assert.equal(starvedNetwork({ ...starvedFile, rateHit: false }, pixels), undefined);
  // Nor is an exact decode on its rate: a flat image's network of its output bias alone has about 0 bits per weight.
  assert.equal(starvedNetwork({ ...starvedFile, bitsPerParam: 0.01, psnr: Infinity }, pixels), undefined);
});

test('a starved network whose file the residual lifts by 3 dB or more gets a notice, not the warning', () => {
  const lost = { ...starvedFile, networkPsnr: 13 };
  assert.equal(starvedNetwork(lost, pixels)!.residualHolds, false);
  assert.match(starvedNetworkReport(lost, pixels, 1, undefined, true)!, /^snfc: warning: at 1 bpp this image leaves its network 1\.0 bits per weight .* too few to hold it \(14\.00 dB\)/);
  const held = { ...starvedFile, psnr: 38, networkPsnr: 9 };
  assert.equal(starvedNetwork(held, pixels)!.residualHolds, true);
  assert.match(starvedNetworkReport(held, pixels, 1, undefined, false)!, /^snfc: notice: at 1 bpp the DCT residual holds this image \(38\.00 dB, 9\.00 dB from the network alone\)/);
  assert.equal(starvedNetworkReport(held, pixels, 1, undefined, true), undefined, '--quiet drops the notice');
  // Without a residual, or with no network PSNR to compare, nothing holds the image but the network.
  assert.equal(starvedNetwork({ ...held, residualBytes: 0 }, pixels)!.residualHolds, false);
  assert.equal(starvedNetwork({ ...held, networkPsnr: undefined }, pixels)!.residualHolds, false);
});

test('networks that hold the mean by choice are not starved: the notice says the residual alone decoded better, and --quiet drops it', () => {
  const mean = { ...starvedFile, bitsPerParam: 0.02, psnr: 40.05, networkPsnr: 13.99, meanNetworks: { fittedPsnr: 26.64 }, tune: 'balanced' };
  assert.equal(starvedNetwork(mean, pixels), undefined);
  const notice = 'at 5 bpp the DCT residual alone decodes this image better, as --tune balanced ranks decodes (40.05 dB; with fitted networks 26.64 dB): ' +
    'the file\'s networks hold the image\'s mean';
  assert.equal(meanNetworksNotice(mean, 5), notice);
  assert.equal(starvedNetworkReport(mean, pixels, 5, undefined, false), `snfc: notice: ${notice}`);
  assert.equal(starvedNetworkReport(mean, pixels, 5, undefined, true), undefined);
  assert.equal(meanNetworksNotice(starvedFile, 5), undefined);
});

test('a file below its rate is exact-below-rate only when its decode is exact; above its rate it is a miss however exact', () => {
  assert.equal(exactBelowRate({ rateHit: false, psnr: Infinity }, 0.08, 1), true);
  assert.equal(exactBelowRate({ rateHit: false, psnr: 40 }, 0.08, 1), false);
  // A 16×16 flat image at 1 bpp: exact in 115 bytes, 3.6 bpp, above the rate.
  assert.equal(exactBelowRate({ rateHit: false, psnr: Infinity }, 3.6, 1), false);
  assert.equal(exactBelowRate({ rateHit: true, psnr: Infinity }, 0.98, 1), false);
});
