export { enlargeRgba, halve, shrinkRgba } from './resample';
export { rgbToGray, sumAbsoluteDifference, sumSquaredDifference } from './pixels';
export { ssimGray } from './ssim';
export { lzwDecode, paintIndices } from './lzw';
