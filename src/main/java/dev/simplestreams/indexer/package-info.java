/**
 * The background indexer: watching the tree, waiting for writes to pause, reading what changed, publishing the
 * catalog, retention, and handing uploads from the replicas that do not index to the one that does. The rest of
 * the server sees it through {@link dev.simplestreams.indexer.Indexing}.
 *
 * <p>May depend on {@code audit}, {@code catalog}, {@code concurrent}, {@code coordination}, {@code signing} (the publisher signs
 * what it publishes, a follower checks what it serves) and {@code store}.
 */
package dev.simplestreams.indexer;
