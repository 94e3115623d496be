/**
 * The catalogue page at {@code /}: a view model built from a published catalog ({@link
 * dev.simplestreams.page.CatalogPageModel}), its markup with one escaping path ({@link
 * dev.simplestreams.page.CatalogPage}, {@link dev.simplestreams.page.Html}), and its style and script loaded
 * from resources with their CSP hashes.
 * <p>May depend on {@code catalog} only.
 */
package dev.simplestreams.page;
