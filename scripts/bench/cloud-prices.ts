/**
 * List prices the cost bench multiplies by, in US dollars, each with the page
 * it was read from (read 2026-12-01, Tier 1 regions such as us-central1, no
 * free tier or discounts applied).
 */

/** https://cloud.google.com/storage/pricing: Standard storage in a region, operations per 1,000. */
export const GCS_CLASS_A_PER_1000 = 0.005;
export const GCS_CLASS_B_PER_1000 = 0.0004;
/** Deletes are free operations (storage.objects.delete). */
export const GCS_STANDARD_GB_MONTH = 0.02;

/** https://cloud.google.com/pubsub/pricing: throughput, with at least 1,000 bytes billed per publish, push or pull request. */
export const PUBSUB_PER_TIB = 40;
export const PUBSUB_MIN_BYTES_PER_REQUEST = 1000;

/** https://cloud.google.com/run/pricing: request-based billing (what Cloud Run functions use), per vCPU-second, GiB-second and request. */
export const RUN_VCPU_SECOND = 0.000024;
export const RUN_GIB_SECOND = 0.0000025;
export const RUN_PER_MILLION_REQUESTS = 0.4;

/** https://cloud.google.com/bigquery/pricing: batch load jobs are free; active logical storage per GiB-month. */
export const BIGQUERY_STORAGE_GIB_MONTH = 0.02;

/** https://cloud.google.com/video-intelligence/pricing: shot change detection, per minute of video, each file billed as at least one minute. */
export const VIDEO_INTELLIGENCE_SHOT_PER_MINUTE = 0.05;
