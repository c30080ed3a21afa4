import type { ChildProcess } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FfmpegLog, openLogFile } from '../../../shared/media/ffmpeg-log.ts';
import { resolveLimits } from '../../../shared/media/limits.ts';
import type { MediaInfo } from '../../../shared/media/source.ts';

// ffmpeg 5.1's own lines, as it logs a WebM's input and the rawvideo output it writes to the socket.
const HEADER = `Input #0, matroska,webm, from 'clip.webm':
  Duration: 00:00:30.00, start: 0.000000, bitrate: 344 kb/s
  Stream #0:0: Video: vp8, yuv420p(progressive), 1280x720, SAR 1:1 DAR 16:9, 24 fps, 24 tbr, 1k tbn (default)
Output #0, rawvideo, to 'pipe:1':
  Metadata:
    encoder         : Lavf59.27.100
  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, gbr/unknown/unknown, progressive), 256x144 [SAR 1:1 DAR 16:9], q=2-31, 21233 kb/s, 24 fps, 24 tbn
`;
const frame = (n: number, s: string) =>
  `[showinfo@source @ 0x55c4c2926700] n:${String(n).padStart(4)} pts:${String(n * 42).padStart(7)} pts_time:${(n * 0.042).toFixed(3)}   pos:     6650 fmt:yuv420p sar:1/1 s:${s} i:P iskey:0 type:P \n` +
  '[showinfo@source @ 0x55c4c2926700] color_range:tv color_space:bt470bg color_primaries:unknown color_trc:unknown\n';

describe("ffmpeg's log", () => {
  it('gives the output size from the output header, not the input stream, and each frame its time and whether its shape is the first', () => {
    const fd = openLogFile();
    try {
      const info = { width: 0, height: 0 } as MediaInfo;
      const log = new FfmpegLog({ kill: () => true } as unknown as ChildProcess, fd, resolveLimits(), info);
      writeSync(fd, HEADER.split('Output')[0]!);
      log.readNew();
      expect(log.outputSize).toBeUndefined();
      writeSync(fd, 'Output' + HEADER.split('Output')[1]! + frame(0, '1280x720') + frame(1, '720x1280'));
      log.readNew();
      expect(log.outputSize).toEqual({ width: 256, height: 144 });
      expect([info.width, info.height, log.containerMs]).toEqual([1280, 720, 30_000]);
      expect([log.timeOf(0), log.timeOf(1)]).toEqual([0, 42]);
      // Frame 1 turned to portrait; frame 2 is not logged yet.
      expect([0, 1, 2].map((i) => log.sameShapeAsFirst(i))).toEqual([true, false, false]);
    } finally {
      closeSync(fd);
    }
  });

  it('sees a change of the logged size or aspect ratio even where the rounded display size stays, and for good once seen', () => {
    const fd = openLogFile();
    try {
      const info = { width: 0, height: 0 } as MediaInfo;
      const log = new FfmpegLog({ kill: () => true } as unknown as ChildProcess, fd, resolveLimits(), info);
      // 117 px at 3:2 is 175.5: rounded, 176 as 176 px at 1:1 is; ffmpeg's scale filter takes 175.
      const at = (n: number, size: string, sar: string) => frame(n, size).replace('sar:1/1', `sar:${sar}`);
      writeSync(fd, HEADER + at(0, '117x100', '3/2') + at(1, '117x100', '3/2') + at(2, '176x100', '1/1') + at(3, '117x100', '3/2'));
      log.readNew();
      expect([info.width, info.height]).toEqual([176, 100]);
      expect([0, 1, 2, 3].map((i) => log.sameShapeAsFirst(i))).toEqual([true, true, false, false]);
    } finally {
      closeSync(fd);
    }
  });
});
