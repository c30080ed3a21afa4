export { enlargeRgba, shrinkRgba } from './resample';
export { rgbToGray, sumAbsoluteDifference, sumSquaredDifference } from './pixels';
export { ssimGray } from './ssim';
