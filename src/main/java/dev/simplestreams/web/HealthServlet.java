package dev.simplestreams.web;

import dev.simplestreams.access.AccessRules;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.delta.DeltaService;
import dev.simplestreams.indexer.Indexer;
import dev.simplestreams.indexer.Indexing;
import dev.simplestreams.mirror.MirrorService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the server is, for Kubernetes probes and for humans: {@code /healthz} (the application answers),
 * {@code /readyz} (catalogue built, indexer running, data root writable; 503 with the reasons otherwise)
 * and {@code /status} (the indexer's figures and every problem it found, with path and reason, and the
 * mirror's and delta generation's progress and problems).
 */
public final class HealthServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Indexing indexer = Services.of(getServletContext()).indexing();
        switch (request.getServletPath()) {
            case "/healthz" -> JsonResponses.write(response, 200, Map.of("status", "alive"));
            case "/readyz" -> {
                List<String> reasons = notReadyReasons(indexer);
                JsonResponses.write(response, reasons.isEmpty() ? 200 : 503, reasons.isEmpty()
                        ? Map.of("status", "ready") : Map.of("status", "not ready", "reasons", reasons));
            }
            default -> JsonResponses.write(response, 200, status(indexer));
        }
    }

    private List<String> notReadyReasons(Indexing indexer) {
        List<String> reasons = new ArrayList<>();
        Indexing.Status status = indexer.status();
        if (!status.indexing()) {
            reasons.add("the indexer thread is not running");
        }
        if (indexer.current() == null) {
            reasons.add("the catalogue has not been built yet");
        }
        if (status.consecutiveFailures() >= Indexing.FAILURES_BEFORE_UNREADY) {
            reasons.add("indexing failed " + status.consecutiveFailures() + " times in a row: " + status.lastError());
        }
        if (!Services.of(getServletContext()).store().isWritable()) {
            reasons.add("the data root is not writable");
        }
        return reasons;
    }

    /** The last pass that changed something, beside the last pass, which after a cold build found nothing to do. */
    private static Map<String, Object> lastChange(Indexer.Change change) {
        if (change == null) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("finished", change.finished().toString());
        body.put("duration_ms", change.durationMillis());
        body.put("files_hashed", change.filesRead());
        return body;
    }

    private Map<String, Object> status(Indexing indexer) {
        Indexing.Status status = indexer.status();
        // Anyone may ask: products and problems under private views stay out of it.
        AccessRules rules = Services.of(getServletContext()).access().rules();
        PublishedCatalog catalog = rules.anonymousCatalog(indexer.current());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", notReadyReasons(indexer).isEmpty());
        Map<String, Object> indexing = new LinkedHashMap<>();
        indexing.put("running", status.indexing());
        indexing.put("last_indexed", status.lastIndexed() == null ? null : status.lastIndexed().toString());
        indexing.put("last_duration_ms", status.lastDurationMillis());
        indexing.put("last_error", status.lastError());
        indexing.put("consecutive_failures", status.consecutiveFailures());
        indexing.put("files_hashed", status.filesRead());
        indexing.put("bytes_hashed", status.bytesRead());
        indexing.put("catalogue_writes", status.catalogWrites());
        indexing.put("last_change", lastChange(status.lastChange()));
        indexing.put("leading", status.leading());
        indexing.put("leader", status.leader());
        body.put("indexer", indexing);
        Map<String, Object> catalogSummary = new LinkedHashMap<>();
        catalogSummary.put("updated", catalog == null ? null : catalog.updated().toString());
        catalogSummary.put("products", catalog == null ? 0 : catalog.products().size());
        catalogSummary.put("versions", catalog == null ? 0 : catalog.versionCount());
        body.put("catalogue", catalogSummary);
        List<Map<String, String>> problems = new ArrayList<>();
        if (catalog != null) {
            for (Problem problem : catalog.problems()) {
                problems.add(Map.of("path", problem.path(), "reason", problem.reason()));
            }
        }
        body.put("problems", problems);
        Map<String, String> deletions = new LinkedHashMap<>();
        indexer.deletionSchedule().forEach((dir, when) -> {
            if (rules.anonymousShowsPath(dir)) {
                deletions.put(dir, when.toString());
            }
        });
        body.put("scheduled_deletions", deletions);
        String signedBy = catalog == null ? null : catalog.signedBy();
        body.put("signing", signedBy == null ? Map.of("signed", false)
                : Map.of("signed", true, "fingerprint", signedBy));
        MirrorService mirror = Services.of(getServletContext()).mirror();
        body.put("access", Services.of(getServletContext()).access().status());
        AnonymousStatus anonymous = new AnonymousStatus(rules);
        body.put("mirror", mirror == null ? Map.of("configured", false) : anonymous.mirror(mirror.status()));
        body.put("deltas", deltas(anonymous.deltas(Services.of(getServletContext()).deltas().status())));
        return body;
    }

    private static Map<String, Object> deltas(DeltaService.Status status) {
        Map<String, Object> deltas = new LinkedHashMap<>();
        deltas.put("enabled", status.enabled());
        deltas.put("encoder", status.encoder());
        deltas.put("unavailable", status.unavailable());
        deltas.put("working_on", status.working());
        deltas.put("queued", status.queued());
        deltas.put("generated", status.generated());
        deltas.put("failed", status.failed());
        deltas.put("too_large", status.tooLarge());
        deltas.put("bytes_saved", status.bytesSaved());
        deltas.put("seconds_spent", status.millisSpent() / 1000.0);
        deltas.put("last_error", status.lastError());
        deltas.put("not_made", status.refused());
        return deltas;
    }
}
