export { halve, resampleRgba, resampleRgbaFixed } from './resample';
export { rgbToGray, sumAbsoluteDifference, sumSquaredDifference } from './pixels';
export { ssimGray } from './ssim';
export { lzwDecode, paintIndices } from './lzw';
export { cellSums, toneCounts } from './structure';
