/**
 * The simplestreams model and its rules, as pure data: the layout of the image tree (which paths are versions and
 * which file names are image files), products, versions and items, fingerprints, retention, building a catalog
 * from what a tree holds and its JSON form, and reading a metadata tarball. No I/O beyond the streams it is
 * given, so everything here is tested without a store or a server.
 *
 * <p>May depend on no other package of the project (the JDK, Jackson and Commons Compress only).
 */
package dev.simplestreams.catalog;
