/**
 * The counters and gauges /metrics exposes in the Prometheus text format, fed by the parts they count.
 *
 * <p>May depend on {@code catalog}, {@code delta}, {@code indexer}, {@code mirror}, {@code security} and {@code write},
 * whose
 * reports it counts.
 */
package dev.simplestreams.metrics;
