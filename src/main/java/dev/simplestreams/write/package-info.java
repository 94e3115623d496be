/**
 * Writes into the image tree: uploads (multipart or raw bodies streamed straight into the store, hashed and
 * checked on the way) and deletes, each failure a {@link dev.simplestreams.write.WriteException} with its
 * reason. No servlet classes: {@code web} hands it streams.
 *
 * <p>May depend on {@code catalog}, {@code concurrent}, {@code indexer} (through
 * {@link dev.simplestreams.indexer.Indexing} only), {@code access} (the writers' scopes) and {@code store}.
 */
package dev.simplestreams.write;
