/**
 * Which replica does the work that must happen in one place at a time (indexing, pruning, mirroring): one
 * server alone, or an election through a Kubernetes Lease or the object store.
 *
 * <p>May depend on {@code catalog}, {@code concurrent}, {@code config} and {@code store}.
 */
package dev.simplestreams.coordination;
