/**
 * The audit trail: one JSON line per change to the image tree (upload, overwrite, upload stored aside, delete,
 * mirror install, retention prune) and per refused write, kept durably and bounded in size, read back by time.
 * Plain Java with no servlet classes; the write path, the mirror and the pruner record through
 * {@link dev.simplestreams.audit.AuditTrail}, a thin adapter in {@code web} serves {@code /audit}.
 * Depends on {@code catalog} (its JSON mappers) and {@code store} (the shared trail of several replicas is state in
 * the bucket).
 */
package dev.simplestreams.audit;
