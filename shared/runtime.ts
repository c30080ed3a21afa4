/**
 * Environment for processes that decode with libvips. glibc keeps the large
 * buffers libvips frees in per-thread arenas instead of returning them, so
 * RSS climbs file after file; these settings hand them back (sharp's own
 * documentation recommends tuning glibc's allocator the same way). They must be
 * set before a process starts, so launchers pass them to the processes they spawn.
 * Measured over the whole corpus in one process: peak RSS 323 MB without, 204 MB with.
 */
export const DECODER_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_ARENA_MAX: '1',
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TRIM_THRESHOLD_: '65536',
});
