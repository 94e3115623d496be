/**
 * Pulling images from upstream simplestreams remotes into the store: reading their catalogs, planning which
 * versions to copy, fetching with resumption and verification, and retiring what the upstreams dropped.
 *
 * <p>May depend on {@code audit}, {@code catalog}, {@code concurrent}, {@code coordination}, {@code signing} (to verify
 * signed upstreams) and {@code store}; it
 * learns about the catalog and asks for rescans through functions it is given, not through {@code indexer}.
 */
package dev.simplestreams.mirror;
