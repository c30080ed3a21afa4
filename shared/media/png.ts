import sharp from 'sharp';

/** A normalised frame as PNG. zlib at a fixed level, so the same pixels give the same bytes. */
export function encodePng(rgb: Uint8Array, size: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}
