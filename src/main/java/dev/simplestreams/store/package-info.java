/**
 * Where images and the catalog are kept: a local data root (path safety, atomic writes, the hash cache) or an
 * S3-compatible bucket, behind one {@link dev.simplestreams.store.ImageStore}; and deleting retired versions
 * after their grace period, for the indexer and the mirror alike.
 *
 * <p>May depend on {@code catalog}, {@code concurrent} and {@code config}.
 */
package dev.simplestreams.store;
